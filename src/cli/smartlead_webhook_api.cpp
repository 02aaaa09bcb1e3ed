#include "smartlead_webhook_api.hpp"

namespace slwd::cli {

nlohmann::json create_body(const WebhookSpec& spec) {
  nlohmann::json body = {
      {"name", spec.name},
      {"webhook_url", spec.url},
      {"association_type", spec.level},
  };
  if (spec.level == "campaign" && spec.campaign_id) body["email_campaign_id"] = *spec.campaign_id;
  if (spec.level == "client" && spec.client_id) body["client_id"] = *spec.client_id;
  nlohmann::json events = nlohmann::json::object();
  for (const auto& e : spec.events) events[e] = true;
  body["event_type_map"] = std::move(events);
  // Left out when empty: an empty map could read as "no category at all" rather than "any".
  if (!spec.categories.empty()) {
    nlohmann::json categories = nlohmann::json::object();
    for (auto id : spec.categories) categories[std::to_string(id)] = true;
    body["category_id_map"] = std::move(categories);
  }
  return body;
}

nlohmann::json update_body(const WebhookUpdate& update) {
  return {
      {"name", update.name},
      {"webhook_url", update.url},
      {"event_types", update.events},
      {"categories", update.categories},
  };
}

ApiCall list_campaign_webhooks_call(std::int64_t campaign_id) {
  return {"GET", "/campaigns/" + std::to_string(campaign_id) + "/webhooks", {}, std::nullopt,
          "campaign " + std::to_string(campaign_id)};
}

ApiCall get_webhook_call(std::int64_t webhook_id) {
  return {"GET", "/webhook/" + std::to_string(webhook_id), {}, std::nullopt,
          "webhook " + std::to_string(webhook_id)};
}

ApiCall create_webhook_call(const WebhookSpec& spec) {
  std::string what = spec.level == "campaign" && spec.campaign_id
                         ? "campaign " + std::to_string(*spec.campaign_id)
                     : spec.level == "client" && spec.client_id
                         ? "client " + std::to_string(*spec.client_id)
                         : "POST /webhook/create";
  return {"POST", "/webhook/create", {}, create_body(spec), what};
}

ApiCall update_webhook_call(std::int64_t webhook_id, const WebhookUpdate& update) {
  return {"PUT", "/webhook/update/" + std::to_string(webhook_id), {}, update_body(update),
          "webhook " + std::to_string(webhook_id)};
}

ApiCall delete_webhook_call(std::int64_t webhook_id) {
  return {"DELETE", "/webhook/delete", {}, nlohmann::json{{"id", webhook_id}},
          "webhook " + std::to_string(webhook_id)};
}

ApiCall webhook_summary_call(std::int64_t campaign_id, const std::string& from, const std::string& to) {
  return {"GET", "/campaigns/" + std::to_string(campaign_id) + "/webhooks/summary",
          {{"fromTime", from}, {"toTime", to}}, std::nullopt,
          "campaign " + std::to_string(campaign_id)};
}

ApiCall retrigger_failed_call(std::int64_t campaign_id, const std::string& from, const std::string& to) {
  return {"POST", "/campaigns/" + std::to_string(campaign_id) + "/webhooks/retrigger-failed-events",
          {}, nlohmann::json{{"fromTime", from}, {"toTime", to}},
          "campaign " + std::to_string(campaign_id)};
}

}  // namespace slwd::cli
