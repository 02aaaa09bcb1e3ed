#pragma once
// The SQLite store's tables, versioned with PRAGMA user_version, and the per-connection PRAGMAs.
#include "slwd/config/config.hpp"
#include "slwd/store/sqlite_db.hpp"

namespace slwd::store {

inline constexpr int kSqliteSchemaVersion = 1;

// WAL, the configured `synchronous` and a busy timeout (a CLI tool and the daemon share the file).
void configure_write_connection(SqliteConnection& db, config::SqliteSync sync, int busy_timeout_ms);
// Readers run beside the writer on the WAL snapshot; query_only guards against a stray write.
void configure_read_connection(SqliteConnection& db, int busy_timeout_ms);

// Creates or upgrades the schema inside one IMMEDIATE transaction, so a daemon and a tool opening
// a fresh file at the same moment cannot both create it. Throws SqliteError when the file was
// written by a newer schema version.
void migrate_schema(SqliteConnection& db);

}  // namespace slwd::store
