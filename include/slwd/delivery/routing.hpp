#pragma once
// Which handlers an event goes to: decided once, when it is recorded (DESIGN §3), so a reload
// or a crash never changes what was promised.
#include <string>
#include <string_view>
#include <vector>

#include "slwd/config/config.hpp"
#include "slwd/events/event.hpp"

namespace slwd::delivery {

// SPEC §6 filter: AND across keys, OR within a list; a missing/null field does not match a key;
// category and level compare case-insensitively; an integer and its decimal string are equal.
bool filter_matches(const config::FilterConfig& filter, const events::Common& event,
                    std::string_view level);

// The handler wants this event: its `events` list (absent = every type) and its filter.
bool handler_wants(const config::HandlerConfig& handler, const events::Common& event,
                   std::string_view level);

// The endpoint's handlers (in config order) that want the event.
std::vector<std::string> route(const config::Config& config, const config::EndpointConfig& endpoint,
                               const events::Common& event, std::string_view level);

}  // namespace slwd::delivery
