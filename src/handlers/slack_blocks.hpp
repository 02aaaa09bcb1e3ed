#pragma once
// Block Kit building blocks and the pieces of text every message uses. Each helper takes
// already-escaped mrkdwn (or, for headers, fixed plain text): escaping happens once, where a
// raw value is read, through inline_value() / block_value().
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "slack_event_view.hpp"

namespace slwd::handlers::slack {

// What a message builder produces; slack_payload.cpp turns it into the JSON that is sent.
struct Message {
  std::string fallback;                       // the top-level "text" (mrkdwn, escaped)
  nlohmann::json main = nlohmann::json::array();  // the blocks a template replaces
  std::vector<nlohmann::json> context;        // link, mailbox, time: kept under a template
  bool compact = false;  // one-line message: its line already links, context only with a template
};

// Header with fixed text (never a SmartLead value: plain_text is not escaped the same way).
nlohmann::json header(std::string_view fixed_text);
nlohmann::json section(std::string mrkdwn);
// A section of "*Label*\nvalue" fields; empty values are left out. nullopt-like: an empty
// section (no field had a value) comes back as null.
nlohmann::json fields_section(const std::vector<std::pair<std::string, std::string>>& fields);
nlohmann::json mrkdwn_text(std::string text);
nlohmann::json context_block(const std::vector<nlohmann::json>& elements);

// A raw value on one line, at most `max` characters, escaped.
std::string inline_value(const std::optional<std::string>& raw, std::size_t max = 200);
// A raw multi-line text, escaped (already bounded by the view).
std::string block_value(const std::optional<std::string>& raw);

// "David Carroll (david@x.example)", either part alone, or "" — escaped.
std::string lead_text(const EventView& view);
// "David Carroll\ndavid@x.example" for a field, or "" — escaped.
std::string lead_field(const EventView& view);
// "Spring Outreach", "campaign 353", or "" — escaped.
std::string campaign_text(const EventView& view);
// "2", or "" when unknown.
std::string step_text(const EventView& view);

// Link (labelled `link_label`), mailbox and time, each when known.
std::vector<nlohmann::json> standard_context(const EventView& view,
                                             const std::optional<std::string>& link,
                                             std::string_view link_label);

}  // namespace slwd::handlers::slack
