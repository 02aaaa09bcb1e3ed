#include "slack_blocks.hpp"

#include "slack_text.hpp"
#include "slack_time.hpp"

namespace slwd::handlers::slack {

using nlohmann::json;

json header(std::string_view fixed_text) {
  return json{{"type", "header"},
              {"text", json{{"type", "plain_text"}, {"text", fixed_text}, {"emoji", true}}}};
}

json mrkdwn_text(std::string text) {
  return json{{"type", "mrkdwn"}, {"text", std::move(text)}};
}

json section(std::string mrkdwn) {
  return json{{"type", "section"}, {"text", mrkdwn_text(std::move(mrkdwn))}};
}

json fields_section(const std::vector<std::pair<std::string, std::string>>& fields) {
  json items = json::array();
  for (const auto& [label, value] : fields) {
    if (value.empty()) continue;
    items.push_back(mrkdwn_text("*" + label + "*\n" + value));
  }
  if (items.empty()) return nullptr;
  return json{{"type", "section"}, {"fields", std::move(items)}};
}

json context_block(const std::vector<json>& elements) {
  return json{{"type", "context"}, {"elements", elements}};
}

std::string inline_value(const std::optional<std::string>& raw, std::size_t max) {
  if (!raw) return {};
  return escape_mrkdwn(truncate_text(one_line(clean_text(*raw)), max, false));
}

std::string block_value(const std::optional<std::string>& raw) {
  if (!raw) return {};
  return mrkdwn_value(trim(*raw));
}

std::string lead_text(const EventView& view) {
  const std::string name = inline_value(view.lead_name);
  const std::string email = inline_value(view.lead_email);
  if (!name.empty() && !email.empty()) return name + " (" + email + ")";
  return name.empty() ? email : name;
}

std::string lead_field(const EventView& view) {
  const std::string name = inline_value(view.lead_name);
  const std::string email = inline_value(view.lead_email);
  if (!name.empty() && !email.empty()) return name + "\n" + email;
  return name.empty() ? email : name;
}

std::string campaign_text(const EventView& view) {
  if (auto name = inline_value(view.campaign_name); !name.empty()) return name;
  if (auto id = inline_value(view.campaign_id, 40); !id.empty()) return "campaign " + id;
  return {};
}

std::string step_text(const EventView& view) {
  return view.sequence_number ? std::to_string(*view.sequence_number) : std::string();
}

std::vector<json> standard_context(const EventView& view, const std::optional<std::string>& link,
                                   std::string_view link_label) {
  std::vector<json> elements;
  if (link) elements.push_back(mrkdwn_text(mrkdwn_link(*link, link_label)));
  if (auto mailbox = inline_value(view.mailbox); !mailbox.empty())
    elements.push_back(mrkdwn_text("Mailbox: " + mailbox));
  if (view.timestamp) {
    if (auto time = mrkdwn_time(*view.timestamp); !time.empty())
      elements.push_back(mrkdwn_text(time));
  }
  return elements;
}

}  // namespace slwd::handlers::slack
