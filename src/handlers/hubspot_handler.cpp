#include "hubspot_handler.hpp"

#include <algorithm>
#include <stdexcept>

#include "slwd/ops/log.hpp"

namespace slwd::handlers {
namespace {

using hubspot::ApiResult;
using hubspot::CallContext;
using hubspot::EventPlan;
using hubspot::WriteKind;

constexpr std::size_t kGateCapacity = 10000;
constexpr std::size_t kLedgerCapacity = 10000;
constexpr std::int64_t kLedgerMaxAgeMs = 24LL * 3600 * 1000;
constexpr std::int64_t kMaxRetryAfterMs = 3600LL * 1000;  // the dispatcher honours up to 1 h
constexpr std::int64_t kGateSlackMs = 10LL * 60 * 1000;   // a busy queue delays a due retry

Outcome retryable(std::string error) {
  return Outcome{OutcomeKind::retryable, std::move(error), std::nullopt};
}

std::string usable_token(const std::string& token) {
  if (token.empty()) throw std::invalid_argument("token is required");
  // The value itself is never echoed.
  if (std::any_of(token.begin(), token.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x21 || u == 0x7F;
      })) {
    throw std::invalid_argument("token contains a space or a control character");
  }
  return token;
}

}  // namespace

HubspotHandler::HubspotHandler(const config::HandlerConfig& config,
                               std::chrono::milliseconds timeout, const config::RetryConfig& retry)
    : name_(config.name),
      mapping_{config.properties, config.category_map},
      timeout_(timeout),
      max_attempts_(retry.max_attempts),
      request_limiter_(config.rate_limit ? config.rate_limit->per_second : kRequestsPerSecond,
                       config.rate_limit ? config.rate_limit->burst : kRequestsPerSecond),
      // Burst 1: an even 4/s never puts more than 5 searches into any one second.
      search_limiter_(kSearchPerSecond, 1),
      api_(config.base_url.empty() ? "https://api.hubapi.com" : config.base_url,
           usable_token(config.token), timeout, request_limiter_, search_limiter_),
      gate_(std::max<std::int64_t>(retry.max.count(), kMaxRetryAfterMs) + kGateSlackMs,
            kGateCapacity),
      ledger_(kLedgerCapacity, kLedgerMaxAgeMs) {
  for (auto& client : clients_) client = std::make_unique<outbound::HttpClient>();
}

void HubspotHandler::deliver(const std::vector<store::WorkItem>& items,
                             std::vector<Outcome>& outcomes) {
  std::vector<EventPlan> plans(items.size());
  std::vector<std::string> keys(items.size());  // empty: settled without HubSpot
  for (std::size_t i = 0; i < items.size(); ++i) {
    try {
      plans[i] = hubspot::plan_event(items[i], mapping_);
    } catch (const std::exception& e) {
      plans[i].error = std::string("hubspot: cannot read the event: ") + e.what();
    }
    if (!plans[i].error.empty()) {
      outcomes[i] = Outcome{OutcomeKind::permanent, plans[i].error, std::nullopt};
    } else if (plans[i].write == WriteKind::none) {
      outcomes[i] = Outcome{};  // nothing for HubSpot in this event
    } else {
      keys[i] = plans[i].lead_key;
    }
  }
  const auto groups = hubspot::group_by_lead(items, keys);
  // Calls start within 2 x timeout of the batch's start, so the batch (the last call included)
  // ends within 3 x timeout: inside the dispatcher's lease.
  const auto deadline = hubspot::Clock::now() + 2 * timeout_;
  hubspot::BatchStop stop;
  hubspot::run_concurrently(groups.size(), kParallelLeads, [&](std::size_t worker, std::size_t g) {
    CallContext ctx{*clients_[worker], deadline, stop};
    deliver_group(items, plans, groups[g], ctx, outcomes);
  });
}

void HubspotHandler::deliver_group(const std::vector<store::WorkItem>& items,
                                   const std::vector<EventPlan>& plans,
                                   const std::vector<std::size_t>& group, CallContext& ctx,
                                   std::vector<Outcome>& outcomes) {
  LeadRun run;
  for (std::size_t index : group) {
    const auto& item = items[index];
    const auto& plan = plans[index];
    if (auto earlier = gate_.waiting_for(plan.lead_key, item, store::system_now_ms())) {
      // Retryable, so it comes back after the earlier event had its next chance.
      outcomes[index] = retryable("hubspot: waiting for an earlier event of this lead (delivery " +
                                  *earlier + ") to be delivered first");
      continue;
    }
    Outcome outcome;
    try {
      outcome = apply(item, plan, run, ctx);
    } catch (const std::exception& e) {
      outcome = retryable(std::string("hubspot: ") + e.what());
    }
    gate_.record(plan.lead_key, item, outcome.kind, item.attempts + 1 >= max_attempts_,
                 store::system_now_ms());
    outcomes[index] = std::move(outcome);
  }
}

Outcome HubspotHandler::apply(const store::WorkItem& item, const EventPlan& plan, LeadRun& run,
                              CallContext& ctx) {
  if (plan.write == WriteKind::note && ledger_.find(item.delivery_id, store::system_now_ms())) {
    return Outcome{};  // this process created its note already; only the bookkeeping failed
  }
  if (!run.contact_id) {
    auto contact = resolve_contact(plan, ctx);
    if (!contact.ok()) return contact.outcome;
    run.contact_id = contact.id;
  }
  if (plan.write == WriteKind::note) return write_note(item, plan, *run.contact_id, ctx);
  auto updated = api_.update_contact(ctx, *run.contact_id, plan.update);
  if (updated.ok() && ops::log_enabled(ops::Level::debug)) {
    ops::log(ops::Level::debug, "hubspot contact updated",
             {{"handler", name_}, {"delivery_id", item.delivery_id}, {"contact_id", *run.contact_id}});
  }
  return updated.outcome;
}

ApiResult HubspotHandler::resolve_contact(const EventPlan& plan, CallContext& ctx) {
  // Always search first: a retry after a create whose answer was lost finds the contact.
  auto found = api_.search_contact(ctx, plan.lead_key);
  if (!found.ok() || found.id) return found;
  auto created = api_.create_contact(ctx, plan.new_contact);
  if (!created.conflict) return created;
  // 409: it exists after all — created meanwhile (another replica, a form, a person), or too
  // new for the search index. Search again; HubSpot's message names it when search cannot.
  auto again = api_.search_contact(ctx, plan.lead_key);
  if (!again.ok() || again.id) return again;
  ApiResult resolved;
  if (created.existing_id) {
    resolved.id = created.existing_id;
  } else {
    resolved.outcome = retryable(
        "hubspot: create contact: HubSpot says the contact exists (409) but search does not find "
        "it yet");
  }
  return resolved;
}

Outcome HubspotHandler::write_note(const store::WorkItem& item, const EventPlan& plan,
                                   const std::string& contact_id, CallContext& ctx) {
  // A note from an earlier attempt (whose success was never recorded) carries this marker.
  auto existing = api_.find_note(ctx, plan.note_marker);
  if (!existing.ok()) return existing.outcome;
  if (existing.id) {
    ledger_.remember(item.delivery_id, *existing.id, store::system_now_ms());
    return Outcome{};
  }
  auto created = api_.create_note(ctx, contact_id, plan.note_body, plan.note_time);
  if (created.ok()) {
    ledger_.remember(item.delivery_id, *created.id, store::system_now_ms());
    if (ops::log_enabled(ops::Level::debug)) {
      ops::log(ops::Level::debug, "hubspot note created",
               {{"handler", name_}, {"delivery_id", item.delivery_id},
                {"contact_id", contact_id}, {"note_id", *created.id}});
    }
    return Outcome{};
  }
  Outcome outcome = created.outcome;
  if (created.maybe_applied && outcome.kind == OutcomeKind::retryable) {
    // The note may exist; give the search index time to show it to the retry's marker search.
    outcome.retry_after_ms = std::max(outcome.retry_after_ms.value_or(0), kSearchIndexLagMs);
  }
  return outcome;
}

}  // namespace slwd::handlers
