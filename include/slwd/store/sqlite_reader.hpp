#pragma once
// The read connection: listing and counting beside the writer. WAL gives each query a committed
// snapshot without blocking (or being blocked by) the store thread's transactions. One mutex
// serialises the callers (admin port, dispatcher lanes, CLI). Methods throw SqliteError.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "slwd/store/sqlite_db.hpp"
#include "slwd/store/store.hpp"

namespace slwd::store {

class SqliteReader {
 public:
  // The schema must exist already (the writer creates it).
  SqliteReader(const std::string& path, int busy_timeout_ms);

  std::vector<DeadLetter> list_dead(const std::optional<std::string>& handler);
  std::vector<QuarantineEntry> list_quarantine();
  std::map<std::string, HandlerCounts> counts();
  // Earliest time a pending entry of `handler` becomes claimable: max(due_at, lease_until).
  std::optional<std::int64_t> next_due_ms(const std::string& handler, std::int64_t now_ms);

 private:
  std::mutex mutex_;
  SqliteConnection db_;
  [[maybe_unused]] bool configured_;  // set before the statements below are prepared
  SqliteStatement dead_select_;
  SqliteStatement quarantine_select_;
  SqliteStatement counts_select_;
  SqliteStatement next_unleased_;
  SqliteStatement next_lease_end_;
};

}  // namespace slwd::store
