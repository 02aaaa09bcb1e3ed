#pragma once
// The embedded store (DESIGN §1, §3 "SQLite notes"): one SQLite file in WAL mode, one store
// thread that owns the write connection and commits every queued write in batches (group
// commit), and a read connection for listings and counts.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "slwd/store/store.hpp"

namespace slwd::store {

// Internal limits of the store thread. The defaults are what open_sqlite_store uses; tests
// shrink them to reach the edges quickly.
struct SqliteStoreOptions {
  std::size_t queue_capacity = 16384;  // record/quarantine ops waiting; beyond it: unavailable
  std::size_t batch_max = 1024;        // ops per transaction
  std::chrono::milliseconds busy_timeout{5000};     // waiting for another process's write lock
  std::chrono::milliseconds prune_interval{10000};  // dedupe pruning cadence (daemon mode)
  std::size_t prune_chunk = 256;                    // expired keys deleted per pruning transaction
  std::chrono::milliseconds probe_interval{1000};   // retrying the disk after a failed commit
};

class SqliteStore final : public Store {
 public:
  // Opens (creating the file and its directory when missing) and starts the store thread.
  // Throws std::runtime_error with a one-line message naming the path.
  SqliteStore(const config::StoreConfig& config, OpenMode mode, NowMs now,
              SqliteStoreOptions options = {});
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void record(Delivery delivery, RecordCallback done) override;
  void quarantine(QuarantineItem item, QuarantineCallback done) override;
  std::vector<WorkItem> claim(const std::string& handler, std::size_t max,
                              std::chrono::milliseconds lease) override;
  void complete(const std::vector<std::string>& ids) override;
  void reschedule(const std::string& id, std::int64_t due_at_ms, const std::string& error) override;
  void dead_letter(const std::string& id, const std::string& error) override;
  std::optional<std::int64_t> next_due_ms(const std::string& handler) override;
  void set_work_listener(std::function<void()> listener) override;
  std::vector<DeadLetter> list_dead(const std::optional<std::string>& handler) override;
  std::size_t replay(const Selection& selection) override;
  std::size_t purge(const Selection& selection) override;
  std::vector<QuarantineEntry> list_quarantine() override;
  std::map<std::string, HandlerCounts> counts() override;
  bool ready() override;
  void shutdown() override;

  // Batch transactions committed so far (group-commit observability; tests).
  std::uint64_t transactions_committed() const;
  // Deletes every expired dedupe key now, on the store thread; returns how many.
  std::size_t prune_expired();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The factory open_store() calls for store.type sqlite.
std::unique_ptr<Store> open_sqlite_store(const config::StoreConfig& config, OpenMode mode,
                                         NowMs now);

}  // namespace slwd::store
