#include "hubspot_note_ledger.hpp"

#include <algorithm>

namespace slwd::handlers::hubspot {

NoteLedger::NoteLedger(std::size_t capacity, std::int64_t max_age_ms)
    : capacity_(std::max<std::size_t>(capacity, 1)), max_age_ms_(max_age_ms) {}

std::optional<std::string> NoteLedger::find(const std::string& delivery_id, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  expire(now_ms);
  auto it = entries_.find(delivery_id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.note_id;
}

void NoteLedger::remember(const std::string& delivery_id, const std::string& note_id,
                          std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  expire(now_ms);
  entries_[delivery_id] = Entry{note_id, now_ms};
  order_.emplace_back(delivery_id, now_ms);
  while (entries_.size() > capacity_ && !order_.empty()) {
    auto [id, at] = order_.front();
    order_.pop_front();
    auto it = entries_.find(id);
    if (it != entries_.end() && it->second.at_ms == at) entries_.erase(it);
  }
}

std::size_t NoteLedger::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void NoteLedger::expire(std::int64_t now_ms) {
  while (!order_.empty() && now_ms - order_.front().second > max_age_ms_) {
    auto [id, at] = order_.front();
    order_.pop_front();
    // A later remember() of the same id left a newer entry: keep that one.
    auto it = entries_.find(id);
    if (it != entries_.end() && it->second.at_ms == at) entries_.erase(it);
  }
  // Re-remembered ids leave stale order entries behind; they are skipped above and bounded by
  // the number of remember() calls within max_age.
}

}  // namespace slwd::handlers::hubspot
