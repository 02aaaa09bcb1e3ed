#pragma once
// Internals of RedisStore shared by its source files (one job each: store.cpp lifecycle and the
// store thread, store_record.cpp ingest, store_claim.cpp delivery and leases, store_dlq.cpp the
// operator tools, store_trim.cpp trimming, store_parse.cpp keys/ids/replies, safety.cpp the
// start-up checks).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "scripts.hpp"
#include "slwd/config/config.hpp"
#include "slwd/store/redis/client.hpp"
#include "slwd/store/redis/command.hpp"
#include "slwd/store/redis_store.hpp"

namespace slwd::store {
namespace redis {

// Key names (layout: scripts.hpp).
struct Keys {
  explicit Keys(std::string prefix);
  std::string dedupe_id(const std::string& delivery_id) const {
    return prefix + "dedupe:id:" + delivery_id;
  }
  std::string dedupe_body(const std::string& sha256) const {
    return prefix + "dedupe:body:" + sha256;
  }
  std::string retry(const std::string& handler) const { return prefix + "retry:" + handler; }
  std::string retry_leased(const std::string& handler) const {
    return prefix + "retry-leased:" + handler;
  }
  std::string retry_data(const std::string& handler) const {
    return prefix + "retry-data:" + handler;
  }

  std::string prefix;
  std::string events;
  std::string handlers;
  std::string dlq;
  std::string dead_count;
  std::string quarantine;
};

// WorkItem ids are "<kind>:<handler>:<member>": kind 's' for an entry of the events stream
// (member = its id, owned through the handler's consumer group), 'r' for a retry (member = the
// id of the stream entry it came from). Handler names cannot hold ':' (config), stream ids don't.
struct ItemRef {
  char kind = 's';
  std::string handler;
  std::string member;
};
std::string item_id(char kind, const std::string& handler, const std::string& member);
std::optional<ItemRef> parse_item_id(const std::string& id);
// "<ms>-<seq>": the only ids the dlq, quarantine and events streams hand out.
bool is_stream_id(std::string_view id);

// Reply shapes.
const std::string* field_of(const Reply& flat_pairs, std::string_view name, std::size_t from = 0);
std::int64_t to_int64(const Reply& reply);  // integer or decimal string; 0 otherwise
// The work item parsers move the event's strings (a body can be large) out of the reply.
// {kind, member, attempts, k1, v1, ...}: an item of the claim script.
std::optional<WorkItem> parse_work_item(Reply& item, const std::string& handler);
// [id, [k1, v1, ...]]: an entry of the events stream as XREADGROUP returns it. nullopt when it is
// nothing for `handler` to deliver: not routed to it (its `handlers` field), or malformed.
std::optional<WorkItem> parse_stream_entry(Reply& entry, const std::string& handler);
// Whether `handler` is one of the comma-joined names of an entry's `handlers` field.
bool routed_to(std::string_view handlers_field, std::string_view handler);
std::optional<DeadLetter> parse_dead_letter(const Reply& entry);
std::optional<QuarantineEntry> parse_quarantine(const Reply& entry);

// Redis did not answer (timeout, disconnected, not connected).
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "host:port" or the socket path: what messages name, never the password.
std::string describe(const RedisUrl& url);
// Refuses Redis older than 6.2 (XAUTOCLAIM, XPENDING by consumer, XTRIM MINID), then, when
// `check_persistence`, checks appendonly and maxmemory-policy (SPEC §9): a loud warning per
// unsafe setting, or std::runtime_error with require_safe_config.
void check_server(Client& client, const config::RedisConfig& config, const std::string& where,
                  bool check_persistence);

}  // namespace redis

// A record in flight, already encoded as its part of the record script's KEYS and ARGV (see
// scripts.cpp) by the thread that recorded it; kept (in its batch) until answered, so the batch
// can be sent again as EVAL after NOSCRIPT.
struct RecordRequest {
  redis::Command keys;
  redis::Command args;
  std::size_t body_bytes = 0;
  bool routed = false;  // has handlers: recording it is work for the dispatcher
  Store::RecordCallback done;
};
using RecordBatch = std::vector<RecordRequest>;

struct RedisStore::Impl {
  Impl(const config::StoreConfig& config, OpenMode mode, NowMs now, RedisStoreOptions options,
       redis::RedisUrl url);

  // ---- Redis access (never from a thread that runs the client's strand)
  // Blocking; throws redis::Unavailable when Redis did not answer. Error replies are returned.
  redis::Reply call(std::vector<std::string> args);
  // EVALSHA, again as EVAL when Redis lost its script cache (restart, SCRIPT FLUSH).
  redis::Reply eval(const redis::Script& script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args);
  // Like eval(), but an error reply becomes std::runtime_error (operator tools report it).
  redis::Reply eval_or_throw(const redis::Script& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);
  void load_scripts();

  // ---- health (SPEC §4 row 8, §7 /readyz)
  void note_ok();
  void note_failure(std::string_view why);
  void note_error_reply(std::string_view what, const std::string& message);

  // ---- ingest accounting: every admitted op is released exactly once
  bool admit();
  void release(std::size_t count = 1);

  // ---- ingest batching (store_record.cpp): records queue here until the client's strand
  // takes them all, so records that arrive while it is busy go out as one script call.
  RecordRequest encode_record(const Delivery& delivery, RecordCallback done) const;
  void enqueue_record(RecordRequest request);
  void flush_records();  // client strand
  void send_records(std::shared_ptr<const RecordBatch> batch,
                    std::chrono::steady_clock::time_point since, bool full_script);
  void answer_records(const RecordBatch& batch, const std::optional<redis::Reply>& reply,
                      const std::string& error);

  // ---- leases of work handed out and not resolved yet (renewed by the store thread)
  void track(const std::string& handler, const std::vector<WorkItem>& items);
  // The claim's new entries (store_claim.cpp): up to `want` more, appended to `items`.
  void read_new_entries(const std::string& handler, std::size_t want, std::vector<WorkItem>& items);
  void recreate_group(const std::string& handler);
  void forget(const redis::ItemRef& ref);
  std::size_t renew_leases();

  std::size_t trim();

  // ---- operator tools (store_dlq.cpp)
  // Calls `on_page` with each page of XRANGE over the whole stream `key`, oldest first.
  void scan_stream(const std::string& key,
                   const std::function<void(const std::vector<redis::Reply>&)>& on_page);
  // Runs `script` (replay or purge) on the selected dead letters a page at a time; returns how
  // many it changed. `head` are the script's arguments before the ids.
  std::size_t apply_to_dead(const Selection& selection, const redis::Script& script,
                            const std::vector<std::string>& head);

  // ---- the store thread
  void run();
  void signal_work();      // the store thread calls the listener soon
  void notify_listener();  // calls it now, on this thread
  void throw_if_stopped() const;

  const config::StoreConfig config_;
  const OpenMode mode_;
  const NowMs now_;
  const RedisStoreOptions options_;
  const redis::Keys keys_;
  const std::string where_;
  const std::string consumer_;   // unique per process: hostname-pid-random
  const std::string ttl_ms_;     // dedupe_ttl, ready for the record script
  const std::int64_t lease_ms_;  // store.redis.lease

  std::mutex ingest_mutex_;  // guards accepting_, in_flight_
  std::condition_variable drained_;
  bool accepting_ = true;
  std::size_t in_flight_ = 0;
  std::atomic<bool> stopped_{false};

  std::mutex batch_mutex_;  // guards queued_, queued_since_, flush_posted_
  RecordBatch queued_;
  std::chrono::steady_clock::time_point queued_since_;  // when the oldest queued record came
  bool flush_posted_ = false;

  std::atomic<bool> failing_{false};        // the last command got no answer
  std::atomic<bool> outage_logged_{false};  // one log line per outage, not per call
  std::atomic<std::int64_t> last_error_log_{0};

  std::mutex leases_mutex_;
  struct Leased {
    std::set<std::string> stream;
    std::set<std::string> retry;
  };
  std::map<std::string, Leased> leases_;
  std::map<std::string, std::string> takeover_cursor_;  // handler -> XAUTOCLAIM cursor
  std::atomic<std::uint64_t> renewed_{0};

  std::mutex mutex_;  // guards stopping_; the store thread waits on wake_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> work_signalled_{false};
  std::mutex listener_mutex_;
  std::function<void()> listener_;
  std::mutex shutdown_mutex_;
  std::thread thread_;

  // Last: destroyed first, so the callbacks it still runs (with "disconnected") find every other
  // member alive.
  redis::Client client_;
};

}  // namespace slwd::store
