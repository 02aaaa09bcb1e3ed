#include "slack_time.hpp"

#include <cstdio>

#include "slack_text.hpp"
#include "slwd/events/timestamp.hpp"

namespace slwd::handlers::slack {
namespace {

}  // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  auto ms = events::parse_iso8601_ms(s);
  if (!ms) return std::nullopt;
  return *ms >= 0 ? *ms / 1000 : -((-*ms + 999) / 1000);  // floor to whole seconds
}

std::string mrkdwn_time(std::string_view iso8601) {
  const auto seconds = parse_iso8601(iso8601);
  if (!seconds || *seconds < 0) return escape_mrkdwn(truncate_text(one_line(clean_text(iso8601)), 100, false));
  // The fallback (clients that cannot localise) is the UTC time, computed here: no locale or
  // time zone of this machine leaks into messages.
  std::int64_t days = *seconds / 86400;
  std::int64_t rest = *seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // civil_from_days (H. Hinnant).
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char fallback[64];
  std::snprintf(fallback, sizeof fallback, "%04lld-%02u-%02u %02d:%02d UTC",
                static_cast<long long>(y), m, d, static_cast<int>(rest / 3600),
                static_cast<int>(rest % 3600 / 60));
  return "<!date^" + std::to_string(*seconds) + "^{date_short_pretty} at {time}|" + fallback +
         ">";
}

}  // namespace slwd::handlers::slack
