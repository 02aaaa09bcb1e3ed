#pragma once
// The values of the template placeholders (include/slwd/events/template.hpp) for one event.
#include <optional>
#include <string>
#include <string_view>

#include "slack_event_view.hpp"

namespace slwd::handlers::slack {

// The placeholder's value, mrkdwn-escaped; "" when the event does not carry it or the name is
// not a placeholder (templates are validated, so that does not happen in a running daemon).
// reply_text and bounce_text keep their line breaks; every other value is one line.
std::string placeholder_value(const EventView& view, const std::optional<std::string>& link,
                              std::string_view name);

}  // namespace slwd::handlers::slack
