#pragma once
// The shared store for several replicas (SPEC §9, DESIGN §3 "Redis notes"): every state change
// that touches more than one key is one Lua script, on one pipelined connection (a claim's new
// entries are a plain XREADGROUP). Events go into a stream with a consumer group
// per handler; retries, dead letters and quarantine live beside it (key layout:
// src/store/redis/scripts.hpp). A store thread renews the leases of work this process is still
// attempting, trims the stream behind what every group has finished, and probes Redis while it
// is unreachable.
#include <chrono>
#include <cstddef>
#include <memory>

#include "slwd/store/store.hpp"

namespace boost::asio {
class io_context;
}

namespace slwd::store {

// Internal cadences and limits. The defaults are what open_redis_store uses; tests shrink them.
struct RedisStoreOptions {
  std::size_t max_in_flight = 16384;               // records waiting on Redis; beyond: unavailable
  std::chrono::milliseconds trim_interval{10000};  // stream trimming (daemon mode)
  std::chrono::milliseconds probe_interval{500};   // PING while Redis is failing
  std::chrono::milliseconds consumer_idle{
      3600000};  // forget consumers idle this long, owning nothing
  // The daemon's io_context: the Redis client then runs on a strand of it, and records are sent
  // and answered on the io threads. Null: the client runs its own io thread (tools, tests).
  // When set, it must outlive the store, and its threads must run while the store is
  // constructed (it waits for the first connection) and until shutdown() returns.
  boost::asio::io_context* io = nullptr;
};

class RedisStore final : public Store {
 public:
  // Connects (waiting up to connect_timeout), loads the scripts and, in daemon mode, checks that
  // Redis persists and does not evict (warning, or refusing with require_safe_config).
  // Throws std::runtime_error with a one-line message that never contains the password.
  RedisStore(const config::StoreConfig& config, OpenMode mode, NowMs now,
             RedisStoreOptions options = {});
  ~RedisStore() override;
  RedisStore(const RedisStore&) = delete;
  RedisStore& operator=(const RedisStore&) = delete;

  void record(Delivery delivery, RecordCallback done) override;
  void quarantine(QuarantineItem item, QuarantineCallback done) override;
  // Leases for store.redis.lease, not for `lease`: that is the takeover time every replica
  // agrees on (SPEC §9), and this process renews it for as long as the attempt runs.
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

  // Trims the events stream now (the store thread does it every trim_interval); returns how many
  // entries were removed.
  std::size_t trim_now();
  // Leases renewed by the store thread so far (tests).
  std::uint64_t leases_renewed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The factory open_store() calls for store.type redis.
std::unique_ptr<Store> open_redis_store(const config::StoreConfig& config, OpenMode mode,
                                        NowMs now, boost::asio::io_context* io = nullptr);

}  // namespace slwd::store
