#pragma once
// The Store is the queue (DESIGN §1): ingest records deliveries into it, delivery lanes claim
// work from it, and what is in it survives kill -9. SQLite (embedded) and Redis implement it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slwd::config {
struct StoreConfig;
}
namespace boost::asio {
class io_context;
}

namespace slwd::store {

// Wall-clock milliseconds since the epoch. Injected into stores so tests control time.
using NowMs = std::function<std::int64_t()>;
std::int64_t system_now_ms();

// One accepted webhook request, ready to be recorded.
struct Delivery {
  std::string delivery_id;  // X-Request-Id or sha256:<hex> (SPEC §4)
  std::string endpoint;     // the endpoint path it arrived on
  std::string level;        // X-Webhook-Level lowercased; empty = none
  std::string event_type;   // canonical or raw unknown name
  std::int64_t received_at_ms = 0;
  std::string body;         // raw bytes, exactly as received
  std::string body_sha256;  // lowercase hex; used for dedupe when dedupe_body
  std::vector<std::string> handlers;  // one outbox entry per name (decided at record time)
};

enum class RecordResult { recorded, duplicate, unavailable };

// An authentic body that could not be parsed (SPEC §4 row 7).
struct QuarantineItem {
  std::string delivery_id;
  std::string endpoint;
  std::string reason;
  std::int64_t received_at_ms = 0;
  std::string body;
};

struct QuarantineEntry {
  std::string id;
  QuarantineItem item;
};

// One (event, handler) pair claimed by a delivery lane.
struct WorkItem {
  std::string id;  // outbox entry id, opaque
  std::string handler;
  std::string delivery_id;
  std::string endpoint;
  std::string level;
  std::string event_type;
  std::int64_t received_at_ms = 0;
  std::string body;
  int attempts = 0;  // attempts made before this one
};

struct DeadLetter {
  std::string id;  // the dead letter's own id
  std::string delivery_id;
  std::string handler;
  std::string event_type;
  int attempts = 0;
  std::string last_error;
  std::int64_t dead_at_ms = 0;
};

// Which dead letters a replay/purge applies to.
struct Selection {
  bool all = false;
  std::vector<std::string> ids;
  std::optional<std::string> handler;
};

struct HandlerCounts {
  std::int64_t pending = 0;  // not yet delivered, not dead (due or scheduled)
  std::int64_t dead = 0;
};

class Store {
 public:
  using RecordCallback = std::function<void(RecordResult)>;
  using QuarantineCallback = std::function<void(bool stored)>;

  virtual ~Store() = default;

  // ---- ingest: called on io threads, never blocks. The callback runs exactly once, on a
  // thread of the store's (for Redis on the daemon's io_context: an io thread, on the client's
  // strand; post it to your own strand); `unavailable` when the store is overloaded, failing or
  // shutting down.
  virtual void record(Delivery delivery, RecordCallback done) = 0;
  virtual void quarantine(QuarantineItem item, QuarantineCallback done) = 0;

  // ---- delivery: called from worker threads, may block briefly.
  // Claims up to `max` due, unleased entries of `handler`, oldest first, leasing them for
  // `lease`. A lease that expires (worker died) makes the entry claimable again.
  virtual std::vector<WorkItem> claim(const std::string& handler, std::size_t max,
                                      std::chrono::milliseconds lease) = 0;
  // Outcomes; each also counts the attempt.
  virtual void complete(const std::vector<std::string>& ids) = 0;
  virtual void reschedule(const std::string& id, std::int64_t due_at_ms, const std::string& error) = 0;
  virtual void dead_letter(const std::string& id, const std::string& error) = 0;
  // Earliest due time of a pending entry of `handler` (for sleeping until retries are due).
  virtual std::optional<std::int64_t> next_due_ms(const std::string& handler) = 0;
  // Called after new or replayed work was committed: on the store's thread, or (Redis, for
  // recorded work) on the io thread that got Redis's answer, so it must be quick and never block
  // (the dispatcher's sets a flag and wakes a worker). Once set_work_listener() returns, the
  // previous listener is not running and is never called again.
  virtual void set_work_listener(std::function<void()> listener) = 0;

  // ---- operator tools (CLI and admin port); safe while the daemon runs.
  virtual std::vector<DeadLetter> list_dead(const std::optional<std::string>& handler) = 0;
  virtual std::size_t replay(const Selection& selection) = 0;
  virtual std::size_t purge(const Selection& selection) = 0;
  virtual std::vector<QuarantineEntry> list_quarantine() = 0;
  virtual std::map<std::string, HandlerCounts> counts() = 0;

  // Reachable and accepting writes (for /readyz).
  virtual bool ready() = 0;
  // Stops accepting, commits everything queued, completes every callback, stops threads.
  virtual void shutdown() = 0;
};

enum class OpenMode {
  daemon,  // the serving process: may reset leases left by a crashed predecessor
  tool,    // CLI subcommands beside a running daemon: never touches leases
};

// Opens the store named by the config. Throws std::runtime_error with a one-line message.
// `io`: the daemon's io_context, on which a Redis store runs its client (RedisStoreOptions::io
// says what that asks of the caller); SQLite ignores it.
std::unique_ptr<Store> open_store(const config::StoreConfig& config, OpenMode mode,
                                  NowMs now = system_now_ms,
                                  boost::asio::io_context* io = nullptr);

}  // namespace slwd::store
