#include "hubspot_lead_order.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace slwd::handlers::hubspot {

std::vector<std::vector<std::size_t>> group_by_lead(const std::vector<store::WorkItem>& items,
                                                    const std::vector<std::string>& keys) {
  std::vector<std::vector<std::size_t>> groups;
  std::unordered_map<std::string, std::size_t> group_of;
  for (std::size_t i = 0; i < items.size() && i < keys.size(); ++i) {
    if (keys[i].empty()) continue;
    auto [it, added] = group_of.try_emplace(keys[i], groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  for (auto& group : groups) {
    std::stable_sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) {
      return items[a].received_at_ms < items[b].received_at_ms;
    });
  }
  return groups;
}

void run_concurrently(std::size_t count, std::size_t parallel,
                      const std::function<void(std::size_t worker, std::size_t index)>& task) {
  const std::size_t workers = std::min(std::max<std::size_t>(parallel, 1), count);
  if (workers == 0) return;
  std::atomic<std::size_t> next{0};
  auto work = [&](std::size_t worker) {
    for (std::size_t i = next++; i < count; i = next++) task(worker, i);
  };
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
}

LeadGate::LeadGate(std::int64_t expiry_ms, std::size_t capacity)
    : expiry_ms_(expiry_ms), capacity_(std::max<std::size_t>(capacity, 1)) {}

std::optional<std::string> LeadGate::waiting_for(const std::string& lead,
                                                 const store::WorkItem& item, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = blocks_.find(lead);
  if (it == blocks_.end()) return std::nullopt;
  if (now_ms - it->second.last_failed_ms > expiry_ms_) {
    blocks_.erase(it);
    return std::nullopt;
  }
  const Block& block = it->second;
  if (block.delivery_id == item.delivery_id) return std::nullopt;   // the blocker itself
  if (item.received_at_ms < block.received_at_ms) return std::nullopt;  // older: goes first
  return block.delivery_id;
}

void LeadGate::record(const std::string& lead, const store::WorkItem& item, OutcomeKind kind,
                      bool last_attempt, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto it = blocks_.find(lead);
  const bool will_retry = kind == OutcomeKind::retryable && !last_attempt;
  if (!will_retry) {
    // Done with this event one way or the other: its lead's newer events may go.
    if (it != blocks_.end() && it->second.delivery_id == item.delivery_id) blocks_.erase(it);
    return;
  }
  if (it == blocks_.end()) {
    evict_if_full();
    blocks_.emplace(lead, Block{item.delivery_id, item.received_at_ms, now_ms});
    return;
  }
  Block& block = it->second;
  // The oldest pending failure is the one the others wait for.
  if (block.delivery_id == item.delivery_id || item.received_at_ms < block.received_at_ms) {
    block = Block{item.delivery_id, item.received_at_ms, now_ms};
  }
}

std::size_t LeadGate::size() const {
  std::lock_guard lock(mutex_);
  return blocks_.size();
}

void LeadGate::evict_if_full() {
  if (blocks_.size() < capacity_) return;
  auto oldest = std::min_element(blocks_.begin(), blocks_.end(), [](const auto& a, const auto& b) {
    return a.second.last_failed_ms < b.second.last_failed_ms;
  });
  blocks_.erase(oldest);
}

}  // namespace slwd::handlers::hubspot
