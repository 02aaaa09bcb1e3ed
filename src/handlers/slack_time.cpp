#include "slack_time.hpp"

#include <cstdio>

#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Reads exactly `n` digits at s[at], advancing `at`.
std::optional<int> digits(std::string_view s, std::size_t& at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += n;
  return value;
}

bool take(std::string_view s, std::size_t& at, char c) {
  if (at < s.size() && s[at] == c) {
    ++at;
    return true;
  }
  return false;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601(std::string_view s) {
  s = trim(s);
  std::size_t at = 0;
  const auto year = digits(s, at, 4);
  if (!year || !take(s, at, '-')) return std::nullopt;
  const auto month = digits(s, at, 2);
  if (!month || !take(s, at, '-')) return std::nullopt;
  const auto day = digits(s, at, 2);
  if (!day || !(take(s, at, 'T') || take(s, at, 't') || take(s, at, ' '))) return std::nullopt;
  const auto hour = digits(s, at, 2);
  if (!hour || !take(s, at, ':')) return std::nullopt;
  const auto minute = digits(s, at, 2);
  if (!minute) return std::nullopt;
  int second = 0;
  if (take(s, at, ':')) {
    const auto sec = digits(s, at, 2);
    if (!sec) return std::nullopt;
    second = *sec;
    if (take(s, at, '.') || take(s, at, ',')) {
      const std::size_t start = at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
      if (at == start) return std::nullopt;
    }
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *day < 1) return std::nullopt;
  if (*day > kDays[*month - 1] + (*month == 2 && leap(*year) ? 1 : 0)) return std::nullopt;
  if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;  // 60: a leap second
  int offset_minutes = 0;
  if (at < s.size()) {
    if (s[at] == 'Z' || s[at] == 'z') {
      ++at;
    } else if (s[at] == '+' || s[at] == '-') {
      const int sign = s[at] == '-' ? -1 : 1;
      ++at;
      const auto oh = digits(s, at, 2);
      if (!oh) return std::nullopt;
      int om = 0;
      if (at < s.size()) {
        take(s, at, ':');
        const auto m = digits(s, at, 2);
        if (!m) return std::nullopt;
        om = *m;
      }
      if (*oh > 23 || om > 59) return std::nullopt;
      offset_minutes = sign * (*oh * 60 + om);
    }
  }
  if (at != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(*year, static_cast<unsigned>(*month),
                                            static_cast<unsigned>(*day));
  return days * 86400 + *hour * 3600 + *minute * 60 + second - offset_minutes * 60;
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
