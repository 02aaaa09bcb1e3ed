#include "slwd/store/sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

namespace slwd::store {

SqliteConnection::SqliteConnection(std::string path) : path_(std::move(path)) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    // sqlite3_open_v2 hands back a handle even on failure (for the message); close it here
    // because the destructor of a half-built object does not run.
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc, "sqlite " + path_ + ": cannot open: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
  // close_v2 defers the close until the last cached statement is finalized, so member
  // destruction order between connection and statements cannot leak or crash.
  sqlite3_close_v2(db_);
}

void SqliteConnection::fail(int rc, std::string_view what) const {
  std::string message = "sqlite " + path_ + ": " + std::string(what) + ": ";
  message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  throw SqliteError(rc, message);
}

void SqliteConnection::exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw SqliteError(rc, "sqlite " + path_ + ": " + message);
  }
}

std::int64_t SqliteConnection::query_int(const char* sql) {
  SqliteStatement statement(*this, sql);
  return statement.step() ? statement.column_int(0) : 0;
}

SqliteStatement SqliteConnection::prepare(const char* sql) {
  return SqliteStatement(*this, sql);
}

void SqliteConnection::set_busy_timeout(int ms) {
  sqlite3_busy_timeout(db_, ms);
}

std::int64_t SqliteConnection::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int SqliteConnection::changes() const {
  return sqlite3_changes(db_);
}

bool SqliteConnection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

SqliteStatement::SqliteStatement(SqliteConnection& connection, const char* sql)
    : connection_(&connection) {
  const int rc =
      sqlite3_prepare_v3(connection.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) connection.fail(rc, std::string("prepare \"") + sql + "\"");
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_), stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    connection_ = other.connection_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void SqliteStatement::bind_int(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
}

void SqliteStatement::bind_text(int index, std::string_view value) {
  // A null pointer would bind SQL NULL; an empty string must stay an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  const int rc = sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
}

void SqliteStatement::bind_blob(int index, std::string_view value) {
  const int rc = value.empty()
                     ? sqlite3_bind_zeroblob(stmt_, index, 0)
                     : sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
}

void SqliteStatement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) connection_->fail(rc, "bind");
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->fail(rc, "step");
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t SqliteStatement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::column_text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data != nullptr ? std::string(reinterpret_cast<const char*>(data), size) : std::string();
}

std::string SqliteStatement::column_blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data != nullptr ? std::string(static_cast<const char*>(data), size) : std::string();
}

bool SqliteStatement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace slwd::store
