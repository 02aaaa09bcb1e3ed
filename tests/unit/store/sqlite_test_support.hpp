#pragma once
// Shared helpers for the SQLite store tests: a temp directory per test, a controllable clock,
// synchronous wrappers over the callback API, and a raw connection for looking at the file.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "slwd/config/config.hpp"
#include "slwd/store/sqlite_db.hpp"
#include "slwd/store/sqlite_store.hpp"

namespace slwd::store::test {

inline constexpr std::int64_t kT0 = 1'700'000'000'000;

class TempDir {
 public:
  TempDir() {
    auto base = std::filesystem::temp_directory_path() / "slwd-store-test-XXXXXX";
    std::string pattern = base.string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeClock {
 public:
  NowMs fn() {
    auto t = t_;
    return [t] { return t->load(); };
  }
  std::int64_t now() const { return t_->load(); }
  void advance(std::int64_t ms) { t_->fetch_add(ms); }

 private:
  std::shared_ptr<std::atomic<std::int64_t>> t_ = std::make_shared<std::atomic<std::int64_t>>(kT0);
};

// The ids of claimed work, in claim order.
inline std::vector<std::string> ids_of(const std::vector<WorkItem>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

inline config::StoreConfig store_config(const std::filesystem::path& dir, bool dedupe_body = true,
                                        std::chrono::milliseconds ttl = std::chrono::hours(24)) {
  config::StoreConfig cfg;
  cfg.type = config::StoreType::sqlite;
  cfg.sqlite.path = (dir / "data" / "store.db").string();
  cfg.dedupe_ttl = ttl;
  cfg.dedupe_body = dedupe_body;
  return cfg;
}

// A Redis store config for the tests: prefix "t:", generous connect and command timeouts.
inline config::StoreConfig redis_store_config(const std::string& url,
                                              std::chrono::milliseconds lease,
                                              std::chrono::milliseconds ttl = std::chrono::hours(24),
                                              bool dedupe_body = true) {
  config::StoreConfig cfg;
  cfg.type = config::StoreType::redis;
  cfg.redis.url = url;
  cfg.redis.key_prefix = "t:";
  cfg.redis.connect_timeout = std::chrono::seconds(5);
  cfg.redis.command_timeout = std::chrono::seconds(2);
  cfg.redis.lease = lease;
  cfg.dedupe_ttl = ttl;
  cfg.dedupe_body = dedupe_body;
  return cfg;
}

inline Delivery delivery(const std::string& id, const std::string& body,
                         std::vector<std::string> handlers = {"audit"}) {
  Delivery d;
  d.delivery_id = id;
  d.endpoint = "/webhooks/smartlead";
  d.level = "campaign";
  d.event_type = "EMAIL_REPLY";
  d.received_at_ms = kT0;
  d.body = body;
  d.body_sha256 = "sha-of-" + body;  // stands in for the hex digest: only equality matters here
  d.handlers = std::move(handlers);
  return d;
}

inline RecordResult record_sync(Store& store, Delivery d) {
  std::promise<RecordResult> done;
  auto result = done.get_future();
  store.record(std::move(d), [&done](RecordResult r) { done.set_value(r); });
  return result.get();
}

inline bool quarantine_sync(Store& store, QuarantineItem item) {
  std::promise<bool> done;
  auto result = done.get_future();
  store.quarantine(std::move(item), [&done](bool stored) { done.set_value(stored); });
  return result.get();
}

// Counts rows through a connection of its own, i.e. what is committed in the file.
inline std::int64_t count_rows(const config::StoreConfig& cfg, const std::string& table) {
  SqliteConnection db(cfg.sqlite.path);
  db.set_busy_timeout(5000);
  return db.query_int(("SELECT COUNT(*) FROM " + table).c_str());
}

// Holds the database's write lock, as a CLI tool in the middle of a write would: the store
// thread's BEGIN IMMEDIATE waits (busy timeout) until release().
class WriteLock {
 public:
  explicit WriteLock(const config::StoreConfig& cfg) : db_(cfg.sqlite.path) {
    db_.exec("BEGIN IMMEDIATE");
  }
  ~WriteLock() { release(); }
  void release() {
    if (db_.in_transaction()) db_.exec("ROLLBACK");
  }

 private:
  SqliteConnection db_;
};

// Polls a condition the store reaches on its own thread (background pruning, health probe).
template <typename F>
bool eventually(F&& condition, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

}  // namespace slwd::store::test
