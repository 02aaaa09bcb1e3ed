#pragma once
// RAII over sqlite3* and sqlite3_stmt*. Every SQLite error becomes a SqliteError here, in one
// place, with the database path in its message, so callers never check return codes.
// sqlite3.h stays out of headers: only the opaque handle types are declared.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace slwd::store {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class SqliteStatement;

class SqliteConnection {
 public:
  // Opens the file read-write, creating it when missing. Each connection is used by one thread
  // at a time (the store serialises access), so SQLite's own per-connection mutex is off.
  explicit SqliteConnection(std::string path);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs SQL that returns no rows we need (PRAGMAs, DDL, BEGIN/COMMIT).
  void exec(const char* sql);
  // First column of the first row, as an integer (PRAGMA user_version and the like).
  std::int64_t query_int(const char* sql);
  SqliteStatement prepare(const char* sql);
  void set_busy_timeout(int ms);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  bool in_transaction() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Throws SqliteError("sqlite <path>: <what>: <errmsg>") for result code `rc`.
  [[noreturn]] void fail(int rc, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection& connection, const char* sql);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // 1-based parameter indexes. Text and blobs are bound without copying (bodies are up to
  // max_body): the bytes must stay alive until reset(), which a StatementScope guarantees.
  void bind_int(int index, std::int64_t value);
  void bind_text(int index, std::string_view value);
  // Text and blobs are bound without a copy (SQLITE_STATIC): a temporary would dangle before
  // the statement runs, so binding one does not compile.
  void bind_text(int index, std::string&& value) = delete;
  void bind_blob(int index, std::string_view value);
  void bind_blob(int index, std::string&& value) = delete;
  void bind_null(int index);

  // One step: true when a row is available, false when the statement is done.
  bool step();
  // Steps to completion (statements whose rows are not needed).
  void run();
  // Resets and clears the bindings; never throws (the step's error was already reported).
  void reset() noexcept;

  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  std::string column_blob(int column) const;
  bool column_is_null(int column) const;

 private:
  SqliteConnection* connection_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a cached statement when leaving scope, so it never holds a read snapshot open or keeps
// pointers to bound buffers that are about to die, whatever way the scope is left.
class StatementScope {
 public:
  explicit StatementScope(SqliteStatement& statement) : statement_(statement) {}
  ~StatementScope() { statement_.reset(); }
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;
  SqliteStatement* operator->() { return &statement_; }
  SqliteStatement& operator*() { return statement_; }

 private:
  SqliteStatement& statement_;
};

}  // namespace slwd::store
