#pragma once
// `smartlead webhooks create --from-config FILE --url PUBLIC_URL`: one SmartLead webhook per
// endpoint of the daemon's config, subscribed to the event types its handlers want.
#include <string>
#include <vector>

namespace slwd::config {
struct Config;
}

namespace slwd::cli {

struct PlannedWebhook {
  std::string endpoint;             // the config's path, e.g. /webhooks/smartlead
  std::string name;                 // "smartlead-webhookd <path>": how a later run finds it
  std::string url;                  // PUBLIC_URL joined with the path
  std::vector<std::string> events;  // canonical, in SmartLead's fixed order
};

struct RegistrationPlan {
  std::vector<PlannedWebhook> webhooks;
  std::vector<std::string> skipped;  // endpoints none of whose handlers wants a known type
};

// The union of what the endpoint's handlers want: a handler's `events` (all 11 when left
// out), narrowed by its `filter.event_type` when that is set.
RegistrationPlan plan_registrations(const config::Config& config, const std::string& public_url);

std::string registration_name(const std::string& endpoint_path);

}  // namespace slwd::cli
