#pragma once
// The SmartLead webhook-management calls (shared/specs/README.md, "SmartLead webhook-management
// API"): each function builds one ApiCall — method, path, query and JSON body — and nothing
// else, so the request shapes are unit-tested without a network. Where SmartLead's two
// descriptions disagree, the newer pages win: `association_type` is the string
// user|client|campaign, delete takes its id in a JSON body, update takes `event_types` and
// `categories` lists.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smartlead_client.hpp"

namespace slwd::cli {

struct WebhookSpec {
  std::string name;
  std::string url;
  std::string level;  // user | client | campaign
  std::optional<std::int64_t> campaign_id;  // sent as email_campaign_id for level campaign
  std::optional<std::int64_t> client_id;    // sent as client_id for level client
  std::vector<std::string> events;          // canonical names
  std::vector<std::int64_t> categories;     // lead category ids; empty = no category filter
};

// PUT /webhook/update/{id} takes the whole description: what is not sent may be reset.
struct WebhookUpdate {
  std::string name;
  std::string url;
  std::vector<std::string> events;
  std::vector<std::int64_t> categories;
};

nlohmann::json create_body(const WebhookSpec& spec);
nlohmann::json update_body(const WebhookUpdate& update);

ApiCall list_campaign_webhooks_call(std::int64_t campaign_id);
ApiCall get_webhook_call(std::int64_t webhook_id);
ApiCall create_webhook_call(const WebhookSpec& spec);
ApiCall update_webhook_call(std::int64_t webhook_id, const WebhookUpdate& update);
ApiCall delete_webhook_call(std::int64_t webhook_id);
ApiCall webhook_summary_call(std::int64_t campaign_id, const std::string& from, const std::string& to);
ApiCall retrigger_failed_call(std::int64_t campaign_id, const std::string& from, const std::string& to);

}  // namespace slwd::cli
