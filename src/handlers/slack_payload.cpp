#include "slack_payload.hpp"

#include <stdexcept>

#include "slack_event_view.hpp"
#include "slack_limits.hpp"
#include "slack_messages.hpp"
#include "slack_placeholders.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {

using nlohmann::json;

Message build_message(const EventView& view, const Link& link) {
  const std::string& type = view.event_type;
  if (!view.known) return compact_message(view, link);
  if (type == "EMAIL_REPLY") return reply_message(view, link);
  if (type == "UNTRACKED_REPLIES") return untracked_reply_message(view, link);
  if (type == "EMAIL_BOUNCE") return bounce_message(view, link);
  if (type == "LEAD_UNSUBSCRIBED") return unsubscribe_message(view, link);
  if (type == "LEAD_CATEGORY_UPDATED") return category_message(view, link);
  if (type == "CAMPAIGN_STATUS_CHANGED") return campaign_status_message(view, link);
  if (type == "MANUAL_STEP_REACHED") return manual_step_message(view, link);
  return compact_message(view, link);  // sent, first sent, open, click
}

namespace {

json assemble(const EventView& view, const PayloadOptions& options) {
  const Link link = smartlead_link(view, options.app_url);
  Message message = build_message(view, link);
  json blocks = json::array();
  std::string text = message.fallback;
  bool templated = false;
  if (auto it = options.templates.find(view.event_type); it != options.templates.end()) {
    std::string rendered = it->second.render(
        [&](std::string_view name) { return placeholder_value(view, link, name); });
    // A template of placeholders the event lacks renders blank: the built-in message is
    // better than an empty one (which Slack would refuse).
    if (!trim(rendered).empty()) {
      templated = true;
      text = rendered;
      blocks.push_back(section(std::move(rendered)));
    }
  }
  if (!templated) {
    for (auto& block : message.main) blocks.push_back(std::move(block));
  }
  if ((templated || !message.compact) && !message.context.empty())
    blocks.push_back(context_block(message.context));
  // Replies and leads' texts may hold URLs: unfurling them would put a stranger's page preview
  // into the channel.
  json payload{{"text", std::move(text)},
               {"blocks", std::move(blocks)},
               {"unfurl_links", false},
               {"unfurl_media", false}};
  fit_to_limits(payload);
  return payload;
}

}  // namespace

PayloadOptions payload_options(const config::HandlerConfig& config) {
  PayloadOptions options;
  options.app_url = config.app_url;
  for (const auto& [type, text] : config.templates) {
    auto parsed = events::parse_template(text);
    if (!parsed.value) throw std::invalid_argument("template." + type + ": " + parsed.error);
    options.templates.emplace(type, std::move(*parsed.value));
  }
  return options;
}

json build_payload(const events::Event& event, std::string_view delivery_id,
                   const PayloadOptions& options) {
  return assemble(view_of(event, delivery_id), options);
}

json build_payload(const store::WorkItem& item, const PayloadOptions& options) {
  auto parsed = events::parse_event(item.body);
  if (parsed.event) return build_payload(*parsed.event, item.delivery_id, options);
  EventView view;
  view.event_type = item.event_type.empty() ? "unknown" : item.event_type;
  view.delivery_id = item.delivery_id;
  return assemble(view, options);
}

json text_only(const json& payload) {
  json out{{"text", payload.value("text", std::string("SmartLead event"))}};
  for (const char* key : {"unfurl_links", "unfurl_media"}) {
    if (payload.contains(key)) out[key] = payload[key];
  }
  return out;
}

std::string serialize(const json& payload) {
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace slwd::handlers::slack
