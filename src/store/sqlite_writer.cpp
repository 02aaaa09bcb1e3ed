#include "slwd/store/sqlite_writer.hpp"

#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <thread>

#include "slwd/store/sqlite_schema.hpp"

namespace slwd::store {
namespace {

// Runs before any statement is prepared (member order): they need the tables to exist.
// When two processes open a fresh file at once (a daemon and a CLI tool), SQLite may answer
// SQLITE_BUSY without consulting the busy handler (the switch to WAL, WAL recovery): retry
// the setup itself, bounded by the same busy timeout.
bool prepare_database(SqliteConnection& db, const config::StoreConfig& config,
                      int busy_timeout_ms) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (;;) {
    try {
      configure_write_connection(db, config.sqlite.synchronous, busy_timeout_ms);
      migrate_schema(db);
      return true;
    } catch (const SqliteError& e) {
      const int primary = e.code() & 0xff;
      if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
          std::chrono::steady_clock::now() >= give_up) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

// Binds the optional handler restriction of a Selection: NULL means "every handler".
void bind_handler(SqliteStatement& statement, int index, const Selection& selection) {
  if (selection.handler) {
    statement.bind_text(index, *selection.handler);
  } else {
    statement.bind_null(index);
  }
}

}  // namespace

bool parse_sqlite_id(const std::string& text, std::int64_t& id) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, id);
  return ec == std::errc() && ptr == end && id > 0;
}

SqliteWriter::SqliteWriter(const config::StoreConfig& config, int busy_timeout_ms)
    : db_(config.sqlite.path),
      schema_ready_(prepare_database(db_, config, busy_timeout_ms)),
      dedupe_ttl_ms_(config.dedupe_ttl.count()),
      dedupe_body_(config.dedupe_body),
      // IMMEDIATE takes the write lock up front, so a batch never fails half-way on
      // SQLITE_BUSY because a tool (CLI replay) started writing between our reads and writes.
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      dedupe_check_(db_, "SELECT 1 FROM dedupe WHERE key = ?1 AND expires_at > ?2"),
      // One statement decides and writes: a live key is left alone (changes() == 0), an absent
      // or expired one is (re)taken with the new expiry.
      dedupe_upsert_(db_,
                     "INSERT INTO dedupe(key, expires_at) VALUES(?1, ?2) "
                     "ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at "
                     "WHERE dedupe.expires_at <= ?3"),
      event_insert_(db_,
                    "INSERT INTO events(delivery_id, endpoint, level, event_type, received_at, "
                    "body) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
      outbox_insert_(db_,
                     "INSERT INTO outbox(event_id, handler, state, attempts, due_at, lease_until) "
                     "VALUES(?1, ?2, 'pending', 0, ?3, 0)"),
      quarantine_insert_(db_,
                         "INSERT INTO quarantine(delivery_id, endpoint, reason, received_at, body) "
                         "VALUES(?1, ?2, ?3, ?4, ?5)"),
      claim_select_(db_,
                    "SELECT o.id, o.attempts, e.delivery_id, e.endpoint, e.level, e.event_type, "
                    "e.received_at, e.body FROM outbox o JOIN events e ON e.id = o.event_id "
                    "WHERE o.handler = ?1 AND o.state = 'pending' AND o.due_at <= ?2 "
                    "AND o.lease_until <= ?2 ORDER BY o.due_at, o.id LIMIT ?3"),
      // Batches name their rows as one JSON array (json_each): one statement per batch instead
      // of one per row keeps the single writer thread's cost per delivery low.
      lease_update_(db_, "UPDATE outbox SET lease_until = ?2 "
                         "WHERE id IN (SELECT value FROM json_each(?1))"),
      outbox_delete_(db_, "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?1)) "
                          "RETURNING event_id"),
      event_delete_orphan_(db_,
                           "DELETE FROM events WHERE id = ?1 AND NOT EXISTS "
                           "(SELECT 1 FROM outbox WHERE event_id = ?1)"),
      reschedule_update_(db_,
                         "UPDATE outbox SET attempts = attempts + 1, due_at = ?2, lease_until = 0, "
                         "last_error = ?3 WHERE id = ?1 AND state = 'pending'"),
      dead_update_(db_,
                   "UPDATE outbox SET attempts = attempts + 1, state = 'dead', dead_at = ?2, "
                   "lease_until = 0, last_error = ?3 WHERE id = ?1 AND state = 'pending'"),
      // Replay keeps last_error: it is the only trace of why the entry died before.
      replay_all_(
          db_,
          "UPDATE outbox SET state = 'pending', attempts = 0, due_at = ?1, lease_until = 0, "
          "dead_at = NULL WHERE state = 'dead' AND (?2 IS NULL OR handler = ?2)"),
      replay_one_(
          db_,
          "UPDATE outbox SET state = 'pending', attempts = 0, due_at = ?1, lease_until = 0, "
          "dead_at = NULL WHERE id = ?3 AND state = 'dead' AND (?2 IS NULL OR handler = ?2)"),
      purge_all_(db_,
                 "DELETE FROM outbox WHERE state = 'dead' AND (?1 IS NULL OR handler = ?1) "
                 "RETURNING event_id"),
      purge_one_(db_,
                 "DELETE FROM outbox WHERE id = ?2 AND state = 'dead' "
                 "AND (?1 IS NULL OR handler = ?1) RETURNING event_id"),
      prune_dedupe_(db_,
                    "DELETE FROM dedupe WHERE key IN (SELECT key FROM dedupe "
                    "WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ?2)"),
      reset_leases_(db_, "UPDATE outbox SET lease_until = 0 WHERE lease_until > 0"),
      probe_(db_,
             "INSERT INTO meta(key, value) VALUES('probe', ?1) "
             "ON CONFLICT(key) DO UPDATE SET value = excluded.value") {}

void SqliteWriter::begin() {
  StatementScope s(begin_);
  s->run();
}

void SqliteWriter::commit() {
  StatementScope s(commit_);
  s->run();
}

void SqliteWriter::rollback() noexcept {
  // After some I/O errors SQLite has already rolled back on its own.
  if (!db_.in_transaction()) return;
  StatementScope s(rollback_);
  try {
    s->run();
  } catch (const SqliteError&) {
  }
}

bool SqliteWriter::dedupe_present(const std::string& key, std::int64_t now_ms) {
  StatementScope s(dedupe_check_);
  s->bind_text(1, key);
  s->bind_int(2, now_ms);
  return s->step();
}

bool SqliteWriter::dedupe_take(const std::string& key, std::int64_t now_ms) {
  StatementScope s(dedupe_upsert_);
  s->bind_text(1, key);
  s->bind_int(2, now_ms + dedupe_ttl_ms_);
  s->bind_int(3, now_ms);
  s->run();
  return db_.changes() > 0;
}

std::string json_id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (const auto id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  out += ']';
  return out;
}

RecordResult SqliteWriter::record(const Delivery& delivery, std::int64_t now_ms, bool& added_work) {
  added_work = false;
  // The body key is only looked at before the id key is taken: a duplicate must write nothing,
  // and statements run one after another on this thread, so look-then-take cannot race.
  const bool use_body = dedupe_body_ && !delivery.body_sha256.empty();
  const std::string body_key = use_body ? "body:" + delivery.body_sha256 : std::string();
  if (use_body && dedupe_present(body_key, now_ms)) return RecordResult::duplicate;
  if (!dedupe_take("id:" + delivery.delivery_id, now_ms)) return RecordResult::duplicate;
  if (use_body) dedupe_take(body_key, now_ms);

  // No handler wants it: the key is consumed (a redelivery is still a duplicate) but there is
  // nothing to keep.
  if (delivery.handlers.empty()) return RecordResult::recorded;

  std::int64_t event_id = 0;
  {
    StatementScope s(event_insert_);
    s->bind_text(1, delivery.delivery_id);
    s->bind_text(2, delivery.endpoint);
    s->bind_text(3, delivery.level);
    s->bind_text(4, delivery.event_type);
    s->bind_int(5, delivery.received_at_ms);
    s->bind_blob(6, delivery.body);
    s->run();
    event_id = db_.last_insert_rowid();
  }
  for (const auto& handler : delivery.handlers) {
    StatementScope s(outbox_insert_);
    s->bind_int(1, event_id);
    s->bind_text(2, handler);
    s->bind_int(3, now_ms);
    s->run();
  }
  added_work = true;
  return RecordResult::recorded;
}

void SqliteWriter::quarantine(const QuarantineItem& item) {
  StatementScope s(quarantine_insert_);
  s->bind_text(1, item.delivery_id);
  s->bind_text(2, item.endpoint);
  s->bind_text(3, item.reason);
  s->bind_int(4, item.received_at_ms);
  s->bind_blob(5, item.body);
  s->run();
}

std::vector<WorkItem> SqliteWriter::claim(const std::string& handler, std::size_t max,
                                          std::int64_t now_ms, std::int64_t lease_until_ms) {
  std::vector<WorkItem> items;
  std::vector<std::int64_t> ids;
  {
    // Read everything first: updating rows while the SELECT still walks them is avoided.
    StatementScope s(claim_select_);
    s->bind_text(1, handler);
    s->bind_int(2, now_ms);
    s->bind_int(3, static_cast<std::int64_t>(max));
    while (s->step()) {
      WorkItem item;
      ids.push_back(s->column_int(0));
      item.id = std::to_string(ids.back());
      item.handler = handler;
      item.attempts = static_cast<int>(s->column_int(1));
      item.delivery_id = s->column_text(2);
      item.endpoint = s->column_text(3);
      item.level = s->column_text(4);
      item.event_type = s->column_text(5);
      item.received_at_ms = s->column_int(6);
      item.body = s->column_blob(7);
      items.push_back(std::move(item));
    }
  }
  if (!ids.empty()) {
    const std::string id_array = json_id_array(ids);  // bound without a copy: must outlive the step
    StatementScope s(lease_update_);
    s->bind_text(1, id_array);
    s->bind_int(2, lease_until_ms);
    s->run();
  }
  return items;
}

void SqliteWriter::delete_event_if_orphan(std::int64_t event_id) {
  StatementScope s(event_delete_orphan_);
  s->bind_int(1, event_id);
  s->run();
}

void SqliteWriter::complete(const std::vector<std::int64_t>& ids) {
  std::vector<std::int64_t> event_ids;
  const std::string id_array = json_id_array(ids);  // bound without a copy: must outlive the step
  {
    StatementScope s(outbox_delete_);
    s->bind_text(1, id_array);
    while (s->step()) event_ids.push_back(s->column_int(0));
  }
  // The event's body is kept only while some handler still owes it a delivery.
  for (const auto event_id : event_ids) delete_event_if_orphan(event_id);
}

void SqliteWriter::reschedule(std::int64_t id, std::int64_t due_at_ms, const std::string& error) {
  StatementScope s(reschedule_update_);
  s->bind_int(1, id);
  s->bind_int(2, due_at_ms);
  s->bind_text(3, error);
  s->run();
}

void SqliteWriter::dead_letter(std::int64_t id, std::int64_t now_ms, const std::string& error) {
  StatementScope s(dead_update_);
  s->bind_int(1, id);
  s->bind_int(2, now_ms);
  s->bind_text(3, error);
  s->run();
}

std::size_t SqliteWriter::replay(const Selection& selection, std::int64_t now_ms) {
  if (selection.all) {
    StatementScope s(replay_all_);
    s->bind_int(1, now_ms);
    bind_handler(*s, 2, selection);
    s->run();
    return static_cast<std::size_t>(db_.changes());
  }
  std::size_t count = 0;
  for (const auto& text : selection.ids) {
    std::int64_t id = 0;
    if (!parse_sqlite_id(text, id)) continue;
    StatementScope s(replay_one_);
    s->bind_int(1, now_ms);
    bind_handler(*s, 2, selection);
    s->bind_int(3, id);
    s->run();
    count += static_cast<std::size_t>(db_.changes());
  }
  return count;
}

std::size_t SqliteWriter::purge(const Selection& selection) {
  std::vector<std::int64_t> event_ids;
  if (selection.all) {
    StatementScope s(purge_all_);
    bind_handler(*s, 1, selection);
    while (s->step()) event_ids.push_back(s->column_int(0));
  } else {
    for (const auto& text : selection.ids) {
      std::int64_t id = 0;
      if (!parse_sqlite_id(text, id)) continue;
      StatementScope s(purge_one_);
      bind_handler(*s, 1, selection);
      s->bind_int(2, id);
      while (s->step()) event_ids.push_back(s->column_int(0));
    }
  }
  for (const auto event_id : event_ids) delete_event_if_orphan(event_id);
  return event_ids.size();
}

std::size_t SqliteWriter::prune_dedupe(std::int64_t now_ms, std::size_t limit) {
  StatementScope s(prune_dedupe_);
  s->bind_int(1, now_ms);
  s->bind_int(2, static_cast<std::int64_t>(limit));
  s->run();
  return static_cast<std::size_t>(db_.changes());
}

std::size_t SqliteWriter::reset_leases() {
  StatementScope s(reset_leases_);
  s->run();
  return static_cast<std::size_t>(db_.changes());
}

void SqliteWriter::probe(std::int64_t now_ms) {
  StatementScope s(probe_);
  s->bind_int(1, now_ms);
  s->run();
}

}  // namespace slwd::store
