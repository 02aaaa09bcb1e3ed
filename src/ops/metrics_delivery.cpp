// The delivery side's metric families (SPEC §7 names).
#include "slwd/ops/metrics_delivery.hpp"

#include <memory>

namespace slwd::ops {

std::string_view outcome_name(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::success:
      return "success";
    case DeliveryOutcome::retry:
      return "retry";
    case DeliveryOutcome::dead:
      return "dead";
  }
  return "dead";
}

DeliveryMetrics::DeliveryMetrics(Metrics& registry)
    : registry_(registry),
      deliveries_(registry.counter("smartlead_handler_deliveries_total",
                                   "Handler attempts by outcome: success, retry (failed, will be "
                                   "retried), dead (dead-lettered).",
                                   {"handler", "outcome"})),
      duration_(registry.histogram("smartlead_handler_delivery_duration_seconds",
                                   "Duration of one handler attempt.", {"handler"})) {
  // The gauge families exist (HELP/TYPE) before a source is set.
  set_queue_source(nullptr);
}

void DeliveryMetrics::attempt(std::string_view handler, DeliveryOutcome outcome,
                              std::chrono::steady_clock::duration took) {
  deliveries_.with({handler, outcome_name(outcome)}).inc();
  duration_.with({handler}).observe(took);
}

void DeliveryMetrics::set_queue_source(std::function<std::vector<HandlerQueue>()> source) {
  // Both gauges come from one source; each family asks it once per scrape.
  auto shared = std::make_shared<std::function<std::vector<HandlerQueue>()>>(std::move(source));
  auto gauge = [shared](bool pending) -> SampleCallback {
    if (!*shared) return nullptr;
    return [shared, pending] {
      std::vector<Sample> out;
      for (const auto& q : (*shared)()) {
        out.push_back({{q.handler}, static_cast<double>(pending ? q.pending : q.dead)});
      }
      return out;
    };
  };
  registry_.gauge_callback("smartlead_queue_pending",
                           "Events recorded but not yet delivered, per handler.", {"handler"},
                           gauge(true));
  registry_.gauge_callback("smartlead_dlq_size", "Dead letters per handler.", {"handler"},
                           gauge(false));
}

}  // namespace slwd::ops
