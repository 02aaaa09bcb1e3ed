#pragma once
// SmartLead timestamps (SPEC §5): ISO-8601 with or without fractional seconds, with `Z` or an
// offset. One parser for every part that needs the instant (Slack's date tokens, HubSpot's
// hs_timestamp).
#include <cstdint>
#include <optional>
#include <string_view>

namespace slwd::events {

// Milliseconds since the epoch of "2024-06-11T14:23:51.412Z", "2024-06-11 14:23:51+02:00",
// "2024-06-11T14:23" (no offset = UTC) or a bare date "2024-06-11" (midnight UTC). Dates are
// checked (no 31 February). nullopt for anything else.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

}  // namespace slwd::events
