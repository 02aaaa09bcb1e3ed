// create --from-config. Idempotent where the API allows it: a campaign's webhooks can be
// listed (GET /campaigns/{id}/webhooks), so one with the same name and URL is updated instead
// of created twice. The API has no list of user- or client-level webhooks, so at those levels
// a second run could only create duplicates: it is refused unless --allow-duplicates says
// that is wanted.
#include "smartlead_from_config.hpp"

#include <algorithm>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "slwd/config/config.hpp"
#include "slwd/events/event.hpp"
#include "smartlead_answers.hpp"
#include "smartlead_input.hpp"
#include "smartlead_table.hpp"
#include "smartlead_url.hpp"
#include "smartlead_webhook_api.hpp"
#include "smartlead_webhooks.hpp"

namespace slwd::cli {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> wanted_by(const config::HandlerConfig& handler) {
  std::vector<std::string> wanted;
  for (auto type : events::known_event_types()) {
    if (handler.events && !contains(*handler.events, type)) continue;
    if (!handler.filter.event_type.empty() && !contains(handler.filter.event_type, type)) continue;
    wanted.emplace_back(type);
  }
  return wanted;
}

struct Outcome {
  std::string action;  // created | updated
  std::optional<std::int64_t> id;
  const PlannedWebhook* planned = nullptr;
  nlohmann::json answer;
};

const nlohmann::json* find_existing(const std::vector<nlohmann::json>& existing,
                                    const PlannedWebhook& planned) {
  for (const auto& w : existing) {
    if (webhook_name(w) == planned.name && webhook_url(w) == planned.url && webhook_id(w)) return &w;
  }
  return nullptr;
}

void print(const std::vector<Outcome>& outcomes, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& o : outcomes) {
      out.push_back({{"action", o.action},
                     {"id", o.id ? nlohmann::json(*o.id) : nlohmann::json()},
                     {"endpoint", o.planned->endpoint},
                     {"name", o.planned->name},
                     {"webhook_url", o.planned->url},
                     {"event_types", o.planned->events},
                     {"answer", o.answer}});
    }
    SmartleadSession::print_json(out);
    return;
  }
  std::vector<TableRow> rows;
  for (const auto& o : outcomes) {
    std::string events;
    for (const auto& e : o.planned->events) events += (events.empty() ? "" : ",") + e;
    rows.push_back({o.action, o.id ? std::to_string(*o.id) : "?", o.planned->endpoint,
                    o.planned->url, events});
  }
  std::cout << render_table({"ACTION", "ID", "ENDPOINT", "URL", "EVENTS"}, rows);
}

}  // namespace

std::string registration_name(const std::string& endpoint_path) {
  return "smartlead-webhookd " + endpoint_path;
}

RegistrationPlan plan_registrations(const config::Config& config, const std::string& public_url) {
  RegistrationPlan plan;
  for (const auto& endpoint : config.endpoints) {
    std::vector<std::string> union_of;
    for (const auto& name : config.handlers_of(endpoint)) {
      if (const auto* handler = config.find_handler(name)) {
        for (auto& type : wanted_by(*handler)) {
          if (!contains(union_of, type)) union_of.push_back(type);
        }
      }
    }
    std::vector<std::string> ordered;
    for (auto type : events::known_event_types()) {
      if (contains(union_of, type)) ordered.emplace_back(type);
    }
    if (ordered.empty()) {
      plan.skipped.push_back(endpoint.path);
      continue;
    }
    plan.webhooks.push_back(PlannedWebhook{endpoint.path, registration_name(endpoint.path),
                                           join_url(public_url, endpoint.path),
                                           std::move(ordered)});
  }
  return plan;
}

int webhooks_create_from_config(SmartleadSession& session, const WebhookFlags& flags) {
  if (!flags.name.empty() || !flags.events.empty()) {
    throw UsageError("--from-config names the webhooks and picks their events itself; "
                     "leave out --name and --events");
  }
  if (flags.url.empty()) throw UsageError("--from-config needs --url PUBLIC_URL");
  check_webhook_url("--url", flags.url, flags.allow_http);
  const auto association = association_of(flags, true);
  if (association.level != "campaign" && !flags.allow_duplicates) {
    throw UsageError("--from-config at level " + association.level +
                     ": SmartLead cannot list those webhooks, so a second run would create "
                     "duplicates; use --campaign ID, or --allow-duplicates");
  }
  const auto categories = parse_categories(flags.categories);

  auto config = load_or_report(flags.from_config);
  if (!config) return 1;
  const auto plan = plan_registrations(*config, flags.url);
  for (const auto& path : plan.skipped) {
    std::cerr << "smartlead-webhookd: skipped endpoint " << path
              << ": its handlers want no SmartLead event type\n";
  }
  if (plan.webhooks.empty()) {
    std::cerr << "smartlead-webhookd: " << flags.from_config << ": no endpoint to register\n";
    return 1;
  }

  auto& client = session.client();
  std::vector<nlohmann::json> existing;
  if (association.level == "campaign") {
    existing = webhook_list(client.call(list_campaign_webhooks_call(*association.campaign_id)));
  }

  std::vector<Outcome> outcomes;
  // What was done before a failure is shown too, so the operator knows where it stopped.
  struct PrintOnFailure {
    const std::vector<Outcome>& outcomes;
    bool json;
    int exceptions = std::uncaught_exceptions();
    ~PrintOnFailure() {
      if (std::uncaught_exceptions() > exceptions && !outcomes.empty()) print(outcomes, json);
    }
  } print_on_failure{outcomes, session.json()};
  for (const auto& planned : plan.webhooks) {
    Outcome outcome;
    outcome.planned = &planned;
    if (const auto* found = find_existing(existing, planned)) {
      WebhookUpdate update{planned.name, planned.url, planned.events, categories};
      // Categories are not in the config: keep the ones set in SmartLead unless given.
      if (flags.categories.empty()) {
        if (auto now = webhook_categories(*found)) update.categories = *now;
      }
      outcome.action = "updated";
      outcome.id = webhook_id(*found);
      outcome.answer = client.call(update_webhook_call(*outcome.id, update));
    } else {
      WebhookSpec spec{planned.name,          planned.url,      association.level,
                       association.campaign_id, association.client_id, planned.events,
                       categories};
      outcome.action = "created";
      outcome.answer = client.call(create_webhook_call(spec));
      outcome.id = webhook_id(outcome.answer);
    }
    outcomes.push_back(std::move(outcome));
  }
  print(outcomes, session.json());
  return 0;
}

}  // namespace slwd::cli
