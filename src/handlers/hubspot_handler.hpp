#pragma once
// `hubspot` (SPEC §6): keeps HubSpot CRM contacts in step with SmartLead events.
//
// Per event (after the contact is found by email, or created when missing):
//   EMAIL_REPLY           -> a note on the contact (campaign, subject, reply text)
//   LEAD_CATEGORY_UPDATED -> PATCH properties.category = category (through category_map)
//   LEAD_UNSUBSCRIBED     -> PATCH properties.unsubscribed = "true"
//   EMAIL_BOUNCE          -> PATCH properties.bounced = "true"
// anything else, or an update whose property is not configured: success without a call.
//
// Ordering: a batch is split by lead (email, case-insensitive); leads run concurrently (up to
// kParallelLeads), the events of one lead one at a time in recording order. An event that
// fails and will be retried holds back its lead's newer events, in this batch and in later
// ones (LeadGate), until it succeeds, fails for good or runs out of attempts.
//
// Idempotency: contacts are always searched before they are created, and a 409 on create is
// resolved to the existing contact. A note carries a marker derived from the delivery id; a
// delivery whose note this process created is remembered (NoteLedger), and otherwise HubSpot
// is searched for the marker before a note is created.
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hubspot_api.hpp"
#include "hubspot_event_plan.hpp"
#include "hubspot_lead_order.hpp"
#include "hubspot_note_ledger.hpp"
#include "slwd/handlers/handler.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::handlers {

class HubspotHandler final : public Handler {
 public:
  static constexpr std::size_t kMaxBatch = 32;      // the default 9/s rate limit claims <= 9
  static constexpr std::size_t kParallelLeads = 8;  // lead groups in flight at once
  static constexpr double kSearchPerSecond = 4;     // HubSpot's search limit (SPEC §6)
  static constexpr double kRequestsPerSecond = 9;   // all calls, under 100 per 10 s (SPEC §6)
  // After a note create that may have reached HubSpot (5xx, timeout), the retry waits at least
  // this long: HubSpot's search index needs a few seconds before the marker search sees the
  // note.
  static constexpr std::int64_t kSearchIndexLagMs = 10000;

  // `retry` is the effective retry policy: an event on its last attempt does not hold back its
  // lead, and a block outlives the longest wait between two attempts. Throws
  // std::invalid_argument without a usable token.
  HubspotHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout,
                 const config::RetryConfig& retry);

  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;
  std::size_t max_batch() const override { return kMaxBatch; }

 private:
  // One lead group's running state within a batch.
  struct LeadRun {
    std::optional<std::string> contact_id;  // found or created by an earlier event of the group
  };

  void deliver_group(const std::vector<store::WorkItem>& items,
                     const std::vector<hubspot::EventPlan>& plans,
                     const std::vector<std::size_t>& group, hubspot::CallContext& ctx,
                     std::vector<Outcome>& outcomes);
  Outcome apply(const store::WorkItem& item, const hubspot::EventPlan& plan, LeadRun& run,
                hubspot::CallContext& ctx);
  hubspot::ApiResult resolve_contact(const hubspot::EventPlan& plan, hubspot::CallContext& ctx);
  Outcome write_note(const store::WorkItem& item, const hubspot::EventPlan& plan,
                     const std::string& contact_id, hubspot::CallContext& ctx);

  std::string name_;
  hubspot::MappingSettings mapping_;
  std::chrono::milliseconds timeout_;
  int max_attempts_;
  hubspot::CallLimiter request_limiter_;  // every call: rate_limit, default 9/s (SPEC §6)
  hubspot::CallLimiter search_limiter_;   // contact searches on top: 4/s
  hubspot::Api api_;
  hubspot::LeadGate gate_;
  hubspot::NoteLedger ledger_;
  // One client per concurrent group (a client is one-thread-at-a-time); kept across batches so
  // TLS connections to HubSpot are reused.
  std::array<std::unique_ptr<outbound::HttpClient>, kParallelLeads> clients_;
};

}  // namespace slwd::handlers
