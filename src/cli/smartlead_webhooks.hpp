#pragma once
// `smartlead webhooks list|get|create|update|delete|summary|retrigger`. Each prints its result
// on stdout (a table, or the API's JSON with --json) and returns 0; bad input throws
// UsageError (exit 2), a failed call SmartleadError (exit 1).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smartlead_session.hpp"

namespace slwd::cli {

// The flags of create and update (and create --from-config).
struct WebhookFlags {
  std::string name;
  std::string url;
  std::string level;  // user | client | campaign
  std::string campaign;
  std::string client;
  std::vector<std::string> events;
  std::vector<std::string> categories;
  bool allow_http = false;
  std::string from_config;
  bool allow_duplicates = false;
};

struct RangeFlags {
  std::string campaign;
  std::string from;
  std::string to;
};

int webhooks_list(SmartleadSession& session, const std::string& campaign);
int webhooks_get(SmartleadSession& session, const std::string& id);
int webhooks_create(SmartleadSession& session, const WebhookFlags& flags);
int webhooks_update(SmartleadSession& session, const std::string& id, const WebhookFlags& flags);
int webhooks_delete(SmartleadSession& session, const std::string& id);
int webhooks_summary(SmartleadSession& session, const RangeFlags& range);
int webhooks_retrigger(SmartleadSession& session, const RangeFlags& range);

// create --from-config FILE --url PUBLIC_URL (smartlead_from_config.cpp).
int webhooks_create_from_config(SmartleadSession& session, const WebhookFlags& flags);

// The association of create: --level, with --campaign / --client as it requires. `inferred`:
// without --level, campaign when --campaign is given, client when --client is, else user.
struct Association {
  std::string level;
  std::optional<std::int64_t> campaign_id;
  std::optional<std::int64_t> client_id;
};
Association association_of(const WebhookFlags& flags, bool infer_level);

}  // namespace slwd::cli
