// The delivery side's metric families (SPEC §7 names).
#include "slwd/ops/metrics_delivery.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

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
  // Both gauges come from one source (a store query): the first gauge rendered in a scrape asks
  // it and leaves the answer for the other, which uses it once — one query per scrape, never a
  // stale one (an answer older than a second is not used).
  struct Shared {
    std::function<std::vector<HandlerQueue>()> source;
    std::mutex mutex;
    std::chrono::steady_clock::time_point taken{};
    std::optional<std::vector<HandlerQueue>> left;  // fetched by one gauge, for the other
  };
  auto shared = std::make_shared<Shared>();
  shared->source = std::move(source);
  auto gauge = [shared](bool pending) -> SampleCallback {
    if (!shared->source) return nullptr;
    return [shared, pending] {
      std::vector<HandlerQueue> queues;
      {
        std::lock_guard lock(shared->mutex);
        const auto now = std::chrono::steady_clock::now();
        if (shared->left && now - shared->taken < std::chrono::seconds(1)) {
          queues = std::move(*shared->left);
          shared->left.reset();
        } else {
          queues = shared->source();
          shared->left = queues;
          shared->taken = now;
        }
      }
      std::vector<Sample> out;
      for (const auto& q : queues) {
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
