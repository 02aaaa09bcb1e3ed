// The receiver's metric families (SPEC §7 names).
#include "slwd/ops/metrics_ingest.hpp"

#include <charconv>

namespace slwd::ops {

IngestMetrics::IngestMetrics(Metrics& registry, std::span<const std::string_view> known_event_types)
    : requests_(
          registry.counter("smartlead_webhook_requests_total",
                           "Answers on the public port by endpoint path (other: unknown path) "
                           "and HTTP status.",
                           {"endpoint", "status"})),
      events_(registry.counter("smartlead_webhook_events_total",
                               "Events recorded (duplicates excluded) by canonical event type.",
                               {"event_type"})),
      duplicates_(registry
                      .counter("smartlead_webhook_duplicates_total",
                               "Deliveries answered already_processed.")
                      .with()),
      signature_failures_(registry
                              .counter("smartlead_webhook_signature_failures_total",
                                       "Requests refused with 401 invalid signature.")
                              .with()),
      quarantined_(registry
                       .counter("smartlead_webhook_quarantined_total",
                                "Invalid payloads stored in the quarantine (answered 400).")
                       .with()),
      duration_(registry
                    .histogram("smartlead_webhook_request_duration_seconds",
                               "Time from a request's head (or first byte) to its answer.")
                    .with()),
      unknown_events_(events_.with({"unknown"})) {
  // Every type shows from the start, at 0, so rate() works on the first event of a type.
  for (std::string_view type : known_event_types)
    known_events_.emplace_back(type, &events_.with({type}));
}

void IngestMetrics::answered(std::string_view endpoint, unsigned status,
                             std::chrono::steady_clock::duration took) {
  char buf[8];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, status);
  requests_.with({endpoint, std::string_view(buf, static_cast<std::size_t>(end - buf))}).inc();
  if (status == 401) signature_failures_.inc();
  duration_.observe(took);
}

void IngestMetrics::recorded(std::string_view event_type) {
  for (auto& [type, counter] : known_events_) {
    if (type == event_type) return counter->inc();
  }
  unknown_events_.inc();
}

}  // namespace slwd::ops
