#include "slack_placeholders.hpp"

#include "slack_blocks.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {

std::string placeholder_value(const EventView& view, const std::optional<std::string>& link,
                              std::string_view name) {
  if (name == "event_type") return inline_value(view.event_type, 80);
  if (name == "delivery_id") return inline_value(view.delivery_id, 80);
  if (name == "timestamp") return inline_value(view.timestamp, 80);
  if (name == "campaign_id") return inline_value(view.campaign_id, 40);
  if (name == "campaign_name") return inline_value(view.campaign_name);
  if (name == "campaign_status") return inline_value(view.campaign_status);
  if (name == "old_status") return inline_value(view.old_status);
  if (name == "lead") return lead_text(view);
  if (name == "lead_name") return inline_value(view.lead_name);
  if (name == "lead_email") return inline_value(view.lead_email);
  if (name == "category") return inline_value(view.category);
  if (name == "old_category") return inline_value(view.old_category);
  if (name == "sequence_number") return step_text(view);
  if (name == "subject") return inline_value(view.subject);
  if (name == "mailbox") return inline_value(view.mailbox);
  if (name == "sender") return inline_value(view.sender);
  if (name == "reply_text") return block_value(view.reply_text);
  if (name == "bounce_text") return block_value(view.bounce_text);
  if (name == "links") {
    std::string out;
    for (const auto& l : view.links) out += (out.empty() ? "" : ", ") + inline_value(l, 300);
    return out;
  }
  if (name == "app_url") return link.value_or("");
  return {};
}

}  // namespace slwd::handlers::slack
