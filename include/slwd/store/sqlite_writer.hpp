#pragma once
// The write connection and its cached statements. Only the store thread uses it (after open);
// every method except begin/commit/rollback runs inside the batch transaction the thread opened,
// so a whole batch commits or fails together. Methods throw SqliteError.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "slwd/config/config.hpp"
#include "slwd/store/sqlite_db.hpp"
#include "slwd/store/store.hpp"

namespace slwd::store {

// "[1,2,3]": how a batch of row ids is bound to one statement (read with json_each).
std::string json_id_array(const std::vector<std::int64_t>& ids);

class SqliteWriter {
 public:
  SqliteWriter(const config::StoreConfig& config, int busy_timeout_ms);

  void begin();
  void commit();
  // Never throws: a failed rollback leaves nothing worse than the failed commit it follows.
  void rollback() noexcept;

  // Dedupe, then the event row and one outbox row per handler. `added_work` is set when outbox
  // rows were written.
  RecordResult record(const Delivery& delivery, std::int64_t now_ms, bool& added_work);
  void quarantine(const QuarantineItem& item);

  std::vector<WorkItem> claim(const std::string& handler, std::size_t max, std::int64_t now_ms,
                              std::int64_t lease_until_ms);
  void complete(const std::vector<std::int64_t>& ids);
  void reschedule(std::int64_t id, std::int64_t due_at_ms, const std::string& error);
  void dead_letter(std::int64_t id, std::int64_t now_ms, const std::string& error);
  std::size_t replay(const Selection& selection, std::int64_t now_ms);
  std::size_t purge(const Selection& selection);

  // Deletes up to `limit` expired dedupe keys; returns how many.
  std::size_t prune_dedupe(std::int64_t now_ms, std::size_t limit);
  // A crashed predecessor's leases would otherwise hold its in-flight work back until expiry.
  std::size_t reset_leases();
  // A tiny real write, to learn whether commits succeed again after a failure.
  void probe(std::int64_t now_ms);

 private:
  bool dedupe_present(const std::string& key, std::int64_t now_ms);
  // True when the key was taken (absent or expired), false when it is live: a duplicate.
  bool dedupe_take(const std::string& key, std::int64_t now_ms);
  void delete_event_if_orphan(std::int64_t event_id);

  SqliteConnection db_;
  [[maybe_unused]] bool
      schema_ready_;  // set by configuring + migrating db_, before the statements below
  std::int64_t dedupe_ttl_ms_;
  bool dedupe_body_;

  SqliteStatement begin_;
  SqliteStatement commit_;
  SqliteStatement rollback_;
  SqliteStatement dedupe_check_;
  SqliteStatement dedupe_upsert_;
  SqliteStatement event_insert_;
  SqliteStatement outbox_insert_;
  SqliteStatement quarantine_insert_;
  SqliteStatement claim_select_;
  SqliteStatement lease_update_;
  SqliteStatement outbox_delete_;
  SqliteStatement event_delete_orphan_;
  SqliteStatement reschedule_update_;
  SqliteStatement dead_update_;
  SqliteStatement replay_all_;
  SqliteStatement replay_one_;
  SqliteStatement purge_all_;
  SqliteStatement purge_one_;
  SqliteStatement prune_dedupe_;
  SqliteStatement reset_leases_;
  SqliteStatement probe_;
};

// Outbox and quarantine ids are decimal rowids on the outside; anything else names no row.
bool parse_sqlite_id(const std::string& text, std::int64_t& id);

}  // namespace slwd::store
