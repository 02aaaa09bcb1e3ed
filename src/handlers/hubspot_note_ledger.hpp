#pragma once
// Which deliveries already produced their HubSpot note in this process (delivery id -> note
// id). The first line of defence against a second note when a delivery is retried after its
// note was created — e.g. the store could not record the success, or a later step of the same
// attempt failed. Only in memory, bounded in size and age; the note-body marker search covers
// restarts and other replicas (see HubspotHandler).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace slwd::handlers::hubspot {

class NoteLedger {
 public:
  NoteLedger(std::size_t capacity, std::int64_t max_age_ms);

  std::optional<std::string> find(const std::string& delivery_id, std::int64_t now_ms);
  void remember(const std::string& delivery_id, const std::string& note_id, std::int64_t now_ms);
  std::size_t size() const;

 private:
  struct Entry {
    std::string note_id;
    std::int64_t at_ms = 0;
  };
  void expire(std::int64_t now_ms);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<std::pair<std::string, std::int64_t>> order_;  // insertion order, for expiry
  std::size_t capacity_;
  std::int64_t max_age_ms_;
};

}  // namespace slwd::handlers::hubspot
