#include "smartlead_webhooks.hpp"

#include <algorithm>
#include <iostream>

#include "slwd/events/event.hpp"
#include "smartlead_answers.hpp"
#include "smartlead_input.hpp"
#include "smartlead_table.hpp"
#include "smartlead_webhook_api.hpp"

namespace slwd::cli {
namespace {

std::string id_text(const std::optional<std::int64_t>& id) {
  return id ? std::to_string(*id) : std::string("(id not in the answer)");
}

void require(bool present, const char* message) {
  if (!present) throw UsageError(message);
}

// Event types SmartLead reports for an existing webhook, canonical where we know them and
// kept as sent where we do not: an update must not drop a type merely because it is new.
std::vector<std::string> known_or_verbatim(const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    auto canonical = events::canonical_event_type(e);
    std::string name = canonical ? std::string(*canonical) : e;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

Association association_of(const WebhookFlags& flags, bool infer_level) {
  Association a;
  a.level = flags.level;
  if (a.level.empty()) {
    if (!infer_level) throw UsageError("create needs --level user|client|campaign");
    a.level = !flags.campaign.empty() ? "campaign" : !flags.client.empty() ? "client" : "user";
  }
  if (a.level == "campaign") {
    require(!flags.campaign.empty(), "--level campaign needs --campaign ID");
    require(flags.client.empty(), "--client only applies to --level client");
    a.campaign_id = parse_id("--campaign", flags.campaign);
  } else if (a.level == "client") {
    require(!flags.client.empty(), "--level client needs --client ID");
    require(flags.campaign.empty(), "--campaign only applies to --level campaign");
    a.client_id = parse_id("--client", flags.client);
  } else if (a.level == "user") {
    require(flags.campaign.empty() && flags.client.empty(),
            "--level user takes neither --campaign nor --client");
  } else {
    throw UsageError("--level must be user, client or campaign: '" + a.level + "'");
  }
  return a;
}

int webhooks_list(SmartleadSession& session, const std::string& campaign) {
  const auto campaign_id = parse_id("--campaign", campaign);
  auto answer = session.client().call(list_campaign_webhooks_call(campaign_id));
  if (session.json()) {
    SmartleadSession::print_json(answer);
    return 0;
  }
  auto webhooks = webhook_list(answer);
  if (webhooks.empty()) {
    std::cout << "no webhooks on campaign " << campaign_id << "\n";
  } else {
    std::cout << render_webhook_table(webhooks);
  }
  return 0;
}

int webhooks_get(SmartleadSession& session, const std::string& id) {
  const auto webhook_id = parse_id("webhook id", id);
  auto answer = session.client().call(get_webhook_call(webhook_id));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << render_webhook(unwrap_data(answer));
  }
  return 0;
}

int webhooks_create(SmartleadSession& session, const WebhookFlags& flags) {
  if (!flags.from_config.empty()) return webhooks_create_from_config(session, flags);
  require(!flags.name.empty(), "create needs --name NAME (or --from-config FILE)");
  require(!flags.url.empty(), "create needs --url URL");
  require(!flags.events.empty(), "create needs --events TYPE,...");
  require(!flags.allow_duplicates, "--allow-duplicates only applies to --from-config");
  auto association = association_of(flags, false);
  check_webhook_url("--url", flags.url, flags.allow_http);

  WebhookSpec spec;
  spec.name = flags.name;
  spec.url = flags.url;
  spec.level = association.level;
  spec.campaign_id = association.campaign_id;
  spec.client_id = association.client_id;
  spec.events = parse_event_types(flags.events);
  spec.categories = parse_categories(flags.categories);

  auto answer = session.client().call(create_webhook_call(spec));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << "created webhook " << id_text(webhook_id(answer)) << ": " << spec.name << " -> "
              << spec.url << " (" << spec.events.size() << " event types)\n";
  }
  return 0;
}

int webhooks_update(SmartleadSession& session, const std::string& id, const WebhookFlags& flags) {
  const auto webhook = parse_id("webhook id", id);
  require(!flags.name.empty() || !flags.url.empty() || !flags.events.empty() ||
              !flags.categories.empty(),
          "update needs at least one of --name, --url, --events, --categories");
  if (!flags.url.empty()) check_webhook_url("--url", flags.url, flags.allow_http);
  std::vector<std::string> events;
  if (!flags.events.empty()) events = parse_event_types(flags.events);
  std::vector<std::int64_t> categories = parse_categories(flags.categories);

  // The update call replaces the whole description, so what is not given is taken from the
  // webhook as it is now (one GET more, and a clear "not found" for a wrong id).
  auto& client = session.client();
  const auto current = unwrap_data(client.call(get_webhook_call(webhook)));
  WebhookUpdate update;
  update.name = flags.name.empty() ? webhook_name(current) : flags.name;
  update.url = flags.url.empty() ? webhook_url(current) : flags.url;
  update.events = flags.events.empty() ? known_or_verbatim(webhook_events(current)) : events;
  if (!flags.categories.empty()) {
    update.categories = categories;
  } else if (auto now = webhook_categories(current)) {
    update.categories = *now;
  }
  if (update.name.empty() || update.url.empty() || update.events.empty()) {
    throw SmartleadError("smartlead: webhook " + std::to_string(webhook) +
                         ": its current name, URL or events are not in SmartLead's answer; "
                         "pass --name, --url and --events");
  }

  auto answer = client.call(update_webhook_call(webhook, update));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << "updated webhook " << webhook << ": " << update.name << " -> " << update.url
              << " (" << update.events.size() << " event types)\n";
  }
  return 0;
}

int webhooks_delete(SmartleadSession& session, const std::string& id) {
  const auto webhook = parse_id("webhook id", id);
  auto answer = session.client().call(delete_webhook_call(webhook));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << "deleted webhook " << webhook << "\n";
  }
  return 0;
}

int webhooks_summary(SmartleadSession& session, const RangeFlags& range) {
  const auto campaign = parse_id("--campaign", range.campaign);
  check_time("--from", range.from);
  check_time("--to", range.to);
  auto answer = session.client().call(webhook_summary_call(campaign, range.from, range.to));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << "webhook deliveries of campaign " << campaign << " from " << range.from
              << " to " << range.to << "\n"
              << render_answer(unwrap_data(answer));
  }
  return 0;
}

int webhooks_retrigger(SmartleadSession& session, const RangeFlags& range) {
  const auto campaign = parse_id("--campaign", range.campaign);
  check_time("--from", range.from);
  check_time("--to", range.to);
  auto answer = session.client().call(retrigger_failed_call(campaign, range.from, range.to));
  if (session.json()) {
    SmartleadSession::print_json(answer);
  } else {
    std::cout << "retriggered the failed webhook events of campaign " << campaign << " from "
              << range.from << " to " << range.to << "\n"
              << render_answer(unwrap_data(answer));
  }
  return 0;
}

}  // namespace slwd::cli
