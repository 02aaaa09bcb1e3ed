#pragma once
// The receiver's metrics (SPEC §7), registered once and pre-resolved where the label set is
// fixed, so the per-request cost is a few relaxed atomics and one lock-free lookup.
#include <chrono>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "slwd/ops/metrics.hpp"

namespace slwd::ops {

class IngestMetrics {
 public:
  // `known_event_types`: the only event_type label values besides "unknown" (clients choose the
  // type, so anything else would let them grow the series without bound). Views must outlive
  // this (the events part's static names do).
  IngestMetrics(Metrics& registry, std::span<const std::string_view> known_event_types);

  // One answer on the public port, counted when it is decided. `endpoint` must be a configured
  // path or "other"; a 401 there is always an invalid signature (SPEC §4 row 6).
  void answered(std::string_view endpoint, unsigned status,
                std::chrono::steady_clock::duration took);
  // The store recorded a new event (not a duplicate).
  void recorded(std::string_view event_type);
  void duplicate() { duplicates_.inc(); }
  // An authentic but invalid body was kept in the quarantine (answered 400).
  void quarantined() { quarantined_.inc(); }

 private:
  CounterFamily& requests_;
  CounterFamily& events_;
  Counter& duplicates_;
  Counter& signature_failures_;
  Counter& quarantined_;
  Histogram& duration_;
  std::vector<std::pair<std::string_view, Counter*>> known_events_;
  Counter& unknown_events_;
};

}  // namespace slwd::ops
