#pragma once
// The delivery side's metrics (SPEC §7): one count and one duration per handler attempt, and the
// per-handler queue gauges computed at scrape time.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "slwd/ops/metrics.hpp"

namespace slwd::ops {

enum class DeliveryOutcome { success, retry, dead };

struct HandlerQueue {
  std::string handler;
  std::uint64_t pending = 0;  // smartlead_queue_pending
  std::uint64_t dead = 0;     // smartlead_dlq_size
};

class DeliveryMetrics {
 public:
  explicit DeliveryMetrics(Metrics& registry);

  // One attempt (SPEC §7: one count per attempt). `handler` is a configured handler name.
  // Lock-free after the first attempt of each (handler, outcome).
  void attempt(std::string_view handler, DeliveryOutcome outcome,
               std::chrono::steady_clock::duration took);

  // Called at each scrape (on the admin io thread); must list every configured handler, zeros
  // included. Setting it again replaces it.
  void set_queue_source(std::function<std::vector<HandlerQueue>()> source);

 private:
  Metrics& registry_;
  CounterFamily& deliveries_;
  HistogramFamily& duration_;
};

std::string_view outcome_name(DeliveryOutcome outcome);

}  // namespace slwd::ops
