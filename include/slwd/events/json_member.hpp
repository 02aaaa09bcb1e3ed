#pragma once
// Internal to the events part: member lookup in the simdjson DOM of a delivery body.
#include <optional>
#include <simdjson.h>
#include <string_view>

namespace slwd::events {

// obj[key] when obj is an object holding key, else nullopt. A repeated key resolves to its LAST
// occurrence (SPEC §4 row 7, what nlohmann's DOM gave): simdjson's at_key would return the first.
std::optional<simdjson::dom::element> last_member(simdjson::dom::element obj,
                                                  std::string_view key) noexcept;

// The string at obj[key] (last duplicate winning), or nullopt when it is absent or not a string.
std::optional<std::string_view> last_member_string(simdjson::dom::element obj,
                                                   std::string_view key) noexcept;

}  // namespace slwd::events
