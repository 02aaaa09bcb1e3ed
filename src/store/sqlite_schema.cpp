#include "slwd/store/sqlite_schema.hpp"

#include <string>

namespace slwd::store {
namespace {

// Version 1. Notes on the choices:
// - AUTOINCREMENT on events/outbox/quarantine: ids are handed out (work item ids, dead letter
//   ids shown to operators) and must never be reused after the highest row is deleted, or a late
//   complete() from a worker whose lease expired could delete an unrelated new entry.
// - dedupe_expiry: pruning deletes expired keys in LIMITed chunks; without the index each chunk
//   would scan every key recorded within dedupe_ttl.
// - outbox_claim serves claim() (ORDER BY due_at, id) and the first half of next_due_ms().
// - outbox_event serves "delete the event when it has no outbox rows left".
// - outbox_leased (partial: only rows in flight) serves the lease half of next_due_ms().
// - outbox_dead (partial: only dead letters) serves dlq list without scanning pending work.
// - meta: a scratch row the store writes to probe whether the disk accepts commits again.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE dedupe(
  key TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX dedupe_expiry ON dedupe(expires_at);

CREATE TABLE events(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  level TEXT NOT NULL,
  event_type TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body BLOB NOT NULL
);

CREATE TABLE outbox(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  handler TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  dead_at INTEGER
);
CREATE INDEX outbox_claim ON outbox(handler, state, due_at);
CREATE INDEX outbox_event ON outbox(event_id);
CREATE INDEX outbox_leased ON outbox(handler, lease_until) WHERE lease_until > 0;
CREATE INDEX outbox_dead ON outbox(dead_at) WHERE state = 'dead';

CREATE TABLE quarantine(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  body BLOB NOT NULL
);

CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;

PRAGMA user_version = 1;
)sql";

}  // namespace

void configure_write_connection(SqliteConnection& db, config::SqliteSync sync,
                                int busy_timeout_ms) {
  // Busy timeout first: switching to WAL needs a lock another process may hold right now.
  db.set_busy_timeout(busy_timeout_ms);
  {
    // The PRAGMA answers with the mode now in force; anything but "wal" (e.g. a file system
    // without shared memory) would break the tool-beside-daemon promise, so refuse it.
    SqliteStatement mode(db, "PRAGMA journal_mode=WAL");
    if (!mode.step() || mode.column_text(0) != "wal") {
      throw SqliteError(0, "sqlite " + db.path() + ": cannot switch to WAL journal mode");
    }
  }
  // NORMAL in WAL mode is durable across process crashes (kill -9); FULL adds power-loss safety
  // by syncing the WAL on every commit (SPEC §4 "Durably").
  db.exec(sync == config::SqliteSync::full ? "PRAGMA synchronous=FULL"
                                           : "PRAGMA synchronous=NORMAL");
  // Keep a checkpointed WAL from staying at its high-water mark forever.
  db.exec("PRAGMA journal_size_limit=67108864");
  db.exec("PRAGMA temp_store=MEMORY");
}

void configure_read_connection(SqliteConnection& db, int busy_timeout_ms) {
  db.set_busy_timeout(busy_timeout_ms);
  db.exec("PRAGMA query_only=1");
}

namespace {

void check_not_newer(const SqliteConnection& db, std::int64_t version) {
  if (version > kSqliteSchemaVersion) {
    throw SqliteError(0, "sqlite " + db.path() + ": schema version " + std::to_string(version) +
                             " is newer than this build supports (" +
                             std::to_string(kSqliteSchemaVersion) + ")");
  }
}

}  // namespace

void migrate_schema(SqliteConnection& db) {
  // The common case (current schema) needs no write lock: a CLI tool opening beside a busy
  // daemon should not queue behind its commits just to read a number.
  const auto current = db.query_int("PRAGMA user_version");
  check_not_newer(db, current);
  if (current == kSqliteSchemaVersion) return;

  db.exec("BEGIN IMMEDIATE");
  try {
    // Again under the lock: another process may have migrated in between.
    const auto version = db.query_int("PRAGMA user_version");
    check_not_newer(db, version);
    if (version == 0) db.exec(kSchemaV1);
    db.exec("COMMIT");
  } catch (...) {
    if (db.in_transaction()) db.exec("ROLLBACK");
    throw;
  }
}

}  // namespace slwd::store
