#pragma once
// Event times in messages. Slack's date token shows a time in each reader's own time zone,
// which an ISO-8601 string with someone else's offset does not.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slwd::handlers::slack {

// Seconds since the epoch of "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:]MM|±HH]"; a time
// without an offset is taken as UTC. nullopt when the text is not such a time.
std::optional<std::int64_t> parse_iso8601(std::string_view text);

// "<!date^SECONDS^{date_short_pretty} at {time}|2024-03-05 11:20 UTC>" for a parsable time;
// otherwise the text as sent, escaped. Empty for empty text.
std::string mrkdwn_time(std::string_view iso8601);

}  // namespace slwd::handlers::slack
