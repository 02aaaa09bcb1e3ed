#pragma once
// Turns outbox entries into handler calls (DESIGN §1): one lane per handler on a pool of
// `delivery.workers` threads. A lane claims due work from the store, hands it to its handler and
// reports each outcome back; a lane is served by one worker at a time, so a slow or failing
// handler ties up at most one worker and never another handler's queue.
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "slwd/config/config.hpp"
#include "slwd/handlers/handler.hpp"
#include "slwd/ops/metrics_delivery.hpp"
#include "slwd/ops/token_bucket.hpp"
#include "slwd/store/store.hpp"

namespace slwd::delivery {

// The rate limit a handler runs under: its own `rate_limit`, else its type's default.
std::optional<config::RateLimit> rate_limit_of(const config::HandlerConfig& handler);

class Dispatcher {
 public:
  // `metrics` (optional) gets one count and duration per attempt and the per-handler queue
  // gauges; it must outlive the dispatcher.
  Dispatcher(store::Store& store, std::shared_ptr<const config::Config> config,
             store::NowMs now = store::system_now_ms, ops::Metrics* metrics = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Builds a handler per configured name (throws std::runtime_error naming a bad one) and
  // starts the workers. Registers itself as the store's work listener.
  void start();
  // Wakes every lane: new work was recorded or replayed.
  void notify();
  // SIGHUP (SPEC §8): lanes for `next`'s handlers replace the current ones atomically. A lane
  // in the middle of a batch finishes it on the old config, and its successor waits for it, so
  // one handler never runs twice at once. Work of removed handlers stays in the store. Throws
  // std::runtime_error (nothing changed) when a new handler cannot be built.
  void reload(std::shared_ptr<const config::Config> next);
  // Lets every worker finish its current attempt, then joins them. Idempotent.
  void stop();

 private:
  struct Lane {
    std::string name;
    std::shared_ptr<const config::Config> owner;  // keeps `config` alive across reloads
    const config::HandlerConfig* config = nullptr;
    std::unique_ptr<handlers::Handler> handler;
    bool busy = false;
    bool wake = true;              // check the store now
    std::int64_t next_check_ms = 0;  // or at this time
    std::int64_t not_before_ms = 0;  // rate limit, or a batching handler letting a batch fill
    std::optional<ops::TokenBucket> bucket;  // the handler's rate limit; none = unlimited
    std::shared_ptr<Lane> predecessor;  // the same handler's lane before a reload, until idle
  };

  std::vector<std::shared_ptr<Lane>> build_lanes(const std::shared_ptr<const config::Config>& config);

  void run_worker();
  std::shared_ptr<Lane> pick_lane(std::int64_t now);
  std::int64_t earliest_check() const;
  void serve(Lane& lane);
  void apply(Lane& lane, const std::vector<store::WorkItem>& items,
             const std::vector<handlers::Outcome>& outcomes,
             std::chrono::steady_clock::duration took);
  std::vector<ops::HandlerQueue> queue_sizes();
  const config::RetryConfig& retry_of(const Lane& lane) const;

  store::Store& store_;
  std::shared_ptr<const config::Config> config_;
  store::NowMs now_;
  std::unique_ptr<ops::DeliveryMetrics> metrics_;
  std::vector<std::shared_ptr<Lane>> lanes_;  // guarded by mutex_; workers hold a copy while serving
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::size_t next_lane_ = 0;  // round-robin start, so no lane starves another
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace slwd::delivery
