#pragma once
// Per-lead ordering for the hubspot handler (SPEC §6: "events of one lead are applied in
// order"). Different leads proceed in parallel; the events of one lead go one at a time, in the
// order they were recorded, and an event that failed and will be retried holds back the newer
// events of its lead — in its own batch and in later ones — until it succeeds or is given up.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "slwd/handlers/handler.hpp"

namespace slwd::handlers::hubspot {

// Positions of `items` grouped by lead key (keys[i] for items[i], already normalised); each
// group in recording order (received_at, then batch position — a batch comes in due order,
// which puts a retried old event after newer first attempts). Groups are in order of their
// first item in the batch. Items with an empty key are left out.
std::vector<std::vector<std::size_t>> group_by_lead(const std::vector<store::WorkItem>& items,
                                                    const std::vector<std::string>& keys);

// Runs task(worker, index) for index in [0, count), at most `parallel` at once, on the calling
// thread and up to parallel-1 others; worker is in [0, min(parallel, count)) and no two tasks
// run with the same worker at the same time (so a worker can own a one-thread-at-a-time
// resource). Returns when every task has. `task` must not throw.
void run_concurrently(std::size_t count, std::size_t parallel,
                      const std::function<void(std::size_t worker, std::size_t index)>& task);

// Remembers, across batches, the oldest event of each lead that failed and will be retried,
// so the lead's newer events wait for it. Thread-safe (groups of different leads consult it
// concurrently). In memory: a restart or a config reload forgets it, and other replicas never
// see it.
class LeadGate {
 public:
  // A block is forgotten when its event has not been attempted for `expiry` (it was dead-lettered
  // by another replica, purged, or its handler changed); at most `capacity` leads are tracked
  // (the least recently failed are forgotten first).
  LeadGate(std::int64_t expiry_ms, std::size_t capacity);

  // The delivery id of an earlier, pending event of this lead that `item` has to wait for;
  // nullopt when it may go ahead.
  std::optional<std::string> waiting_for(const std::string& lead, const store::WorkItem& item,
                                         std::int64_t now_ms);
  // After an attempt of `item` (not one held back by waiting_for): a retryable failure that
  // will be retried (`last_attempt` false) blocks the lead's newer events; the blocking event's
  // success, permanent failure or last attempt releases them.
  void record(const std::string& lead, const store::WorkItem& item, OutcomeKind kind,
              bool last_attempt, std::int64_t now_ms);

  std::size_t size() const;

 private:
  struct Block {
    std::string delivery_id;
    std::int64_t received_at_ms = 0;
    std::int64_t last_failed_ms = 0;
  };
  void evict_if_full();

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Block> blocks_;
  std::int64_t expiry_ms_;
  std::size_t capacity_;
};

}  // namespace slwd::handlers::hubspot
