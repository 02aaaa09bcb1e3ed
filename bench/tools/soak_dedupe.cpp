#include "soak_dedupe.hpp"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace slwd::bench {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DedupeCounts sqlite_dedupe_counts(const std::string& db_path, std::chrono::milliseconds grace) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    const std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    throw std::runtime_error("cannot open " + db_path + ": " + why);
  }
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_statement = nullptr;
  const char* sql = "SELECT count(*), coalesce(sum(expires_at < ?1), 0) FROM dedupe";
  if (sqlite3_prepare_v2(db.get(), sql, -1, &raw_statement, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("cannot query dedupe: ") + sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> statement(raw_statement, sqlite3_finalize);
  sqlite3_bind_int64(statement.get(), 1, now_ms() - grace.count());
  if (sqlite3_step(statement.get()) != SQLITE_ROW) {
    throw std::runtime_error(std::string("cannot query dedupe: ") + sqlite3_errmsg(db.get()));
  }
  return {sqlite3_column_int64(statement.get(), 0), sqlite3_column_int64(statement.get(), 1)};
}

}  // namespace slwd::bench
