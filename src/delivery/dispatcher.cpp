#include "slwd/delivery/dispatcher.hpp"

#include <algorithm>
#include <chrono>

#include "slwd/delivery/retry_policy.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::delivery {
namespace {

// An idle lane looks at the store at least this often, so work replayed by the CLI from another
// process is picked up within SPEC §2's 5 s.
constexpr std::int64_t kIdlePollMs = 2000;
// A handler that takes batches (file: one fsync per batch) and got a small one waits this long
// before claiming again, so the next batch is bigger: far fewer fsyncs and store round trips
// under load, for at most this much extra latency.
constexpr std::int64_t kBatchLingerMs = 5;

}  // namespace

// SPEC §6 defaults: slack 1/s burst 5 (Slack's per-webhook limit); the others are unlimited
// unless configured. hubspot's `rate_limit` (default 9/s) counts API requests, not events — one
// event may need four calls — so the hubspot handler applies it to its calls itself.
std::optional<config::RateLimit> rate_limit_of(const config::HandlerConfig& handler) {
  if (handler.type == "hubspot") return std::nullopt;
  if (handler.rate_limit) return handler.rate_limit;
  if (handler.type == "slack") return config::RateLimit{1, 5};
  return std::nullopt;
}

Dispatcher::Dispatcher(store::Store& store, std::shared_ptr<const config::Config> config,
                       store::NowMs now, ops::Metrics* metrics)
    : store_(store), config_(std::move(config)), now_(std::move(now)) {
  if (metrics) {
    metrics_ = std::make_unique<ops::DeliveryMetrics>(*metrics);
    metrics_->set_queue_source([this] { return queue_sizes(); });
  }
}

// Every configured handler, zeros included (SPEC §7), from the store's own counts.
std::vector<ops::HandlerQueue> Dispatcher::queue_sizes() {
  std::shared_ptr<const config::Config> config;
  {
    std::lock_guard lock(mutex_);
    config = config_;
  }
  auto counts = store_.counts();
  std::vector<ops::HandlerQueue> out;
  for (const auto& h : config->handlers) {
    ops::HandlerQueue q{h.name};
    if (auto it = counts.find(h.name); it != counts.end()) {
      q.pending = static_cast<std::uint64_t>(it->second.pending);
      q.dead = static_cast<std::uint64_t>(it->second.dead);
    }
    out.push_back(std::move(q));
  }
  return out;
}

Dispatcher::~Dispatcher() { stop(); }

std::vector<std::shared_ptr<Dispatcher::Lane>> Dispatcher::build_lanes(
    const std::shared_ptr<const config::Config>& config) {
  std::vector<std::shared_ptr<Lane>> lanes;
  for (const auto& h : config->handlers) {
    auto lane = std::make_shared<Lane>();
    lane->name = h.name;
    lane->owner = config;
    lane->config = &h;
    lane->handler = handlers::make_handler(h, config->delivery);
    if (auto limit = rate_limit_of(h)) {
      lane->bucket.emplace(limit->per_second, limit->burst, now_());
    }
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

void Dispatcher::reload(std::shared_ptr<const config::Config> next) {
  auto lanes = build_lanes(next);  // may throw: nothing has changed yet
  {
    std::lock_guard lock(mutex_);
    for (auto& lane : lanes) {
      for (auto& old : lanes_) {
        if (old->name == lane->name && old->busy) lane->predecessor = old;
      }
    }
    lanes_ = std::move(lanes);
    config_ = std::move(next);
    next_lane_ = 0;
  }
  cv_.notify_all();
}

void Dispatcher::start() {
  lanes_ = build_lanes(config_);
  store_.set_work_listener([this] { notify(); });
  unsigned n = std::max(1u, config_->delivery.workers);
  for (unsigned i = 0; i < n; ++i) workers_.emplace_back([this] { run_worker(); });
}

void Dispatcher::notify() {
  // Called after every commit that added work: wake only as many workers as lanes that were
  // idle and now have something to do, not every worker every time. (Not capped at
  // workers_.size(): this runs on the store's thread, while start() and stop() change workers_
  // on theirs; a notify_one nobody waits for costs nothing.)
  std::size_t idle_lanes_woken = 0;
  {
    std::lock_guard lock(mutex_);
    for (auto& lane : lanes_) {
      if (lane->wake) continue;
      lane->wake = true;
      if (!lane->busy) ++idle_lanes_woken;
    }
  }
  for (std::size_t i = 0; i < idle_lanes_woken; ++i) cv_.notify_one();
}

void Dispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
  workers_.clear();
  store_.set_work_listener(nullptr);
}

std::shared_ptr<Dispatcher::Lane> Dispatcher::pick_lane(std::int64_t now) {
  for (std::size_t k = 0; k < lanes_.size(); ++k) {
    const auto& lane = lanes_[(next_lane_ + k) % lanes_.size()];
    if (lane->predecessor) {
      if (lane->predecessor->busy) continue;  // the pre-reload lane still has a batch out
      lane->predecessor.reset();
    }
    if (!lane->busy && now >= lane->not_before_ms && (lane->wake || lane->next_check_ms <= now)) {
      next_lane_ = (next_lane_ + k + 1) % lanes_.size();
      return lane;
    }
  }
  return nullptr;
}

std::int64_t Dispatcher::earliest_check() const {
  std::int64_t earliest = now_() + kIdlePollMs;
  for (const auto& lane : lanes_) {
    if (lane->busy) continue;
    auto when = lane->wake ? lane->not_before_ms : std::max(lane->next_check_ms, lane->not_before_ms);
    earliest = std::min(earliest, when);
  }
  return earliest;
}

void Dispatcher::run_worker() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::shared_ptr<Lane> lane = pick_lane(now_());
    if (!lane) {
      auto wait_ms = std::max<std::int64_t>(1, earliest_check() - now_());
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
      continue;
    }
    lane->busy = true;
    lane->wake = false;
    lock.unlock();
    serve(*lane);
    lock.lock();
    lane->busy = false;
    cv_.notify_one();  // this lane may be free for another worker now
  }
}

const config::RetryConfig& Dispatcher::retry_of(const Lane& lane) const {
  return lane.config->retry ? *lane.config->retry : lane.owner->delivery.retry;
}

void Dispatcher::serve(Lane& lane) {
  auto timeout = lane.config->timeout.value_or(lane.owner->delivery.timeout);
  // A lease longer than any attempt: work is re-claimable only once its worker is surely gone.
  auto lease = std::max<std::chrono::milliseconds>(std::chrono::seconds(30), 3 * timeout);
  std::size_t batch = lane.handler->max_batch();
  if (lane.bucket) {
    // Claim only what the rate limit lets us send now; a lane out of tokens sleeps until the
    // next one (other lanes are unaffected).
    batch = std::min(batch, lane.bucket->available(now_()));
    if (batch == 0) {
      auto wait = lane.bucket->wait_ms(now_());
      std::lock_guard lock(mutex_);
      lane.not_before_ms = now_() + std::max<std::int64_t>(1, wait);
      lane.wake = true;  // still work to do once the token is there
      return;
    }
  }
  std::vector<store::WorkItem> items;
  try {
    items = store_.claim(lane.name, batch, lease);
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "claim failed", {{"handler", lane.name}, {"error", e.what()}});
  }
  if (items.empty()) {
    auto now = now_();
    auto due = store_.next_due_ms(lane.name).value_or(now + kIdlePollMs);
    std::lock_guard lock(mutex_);
    lane.next_check_ms = std::min(now + kIdlePollMs, due);
    return;
  }
  if (lane.bucket) lane.bucket->take(items.size(), now_());
  {
    std::lock_guard lock(mutex_);
    lane.wake = true;  // there may be more than one batch waiting
    const auto max_batch = lane.handler->max_batch();
    if (max_batch > 1 && items.size() < max_batch / 2) lane.not_before_ms = now_() + kBatchLingerMs;
  }
  std::vector<handlers::Outcome> outcomes(items.size());
  const auto started = std::chrono::steady_clock::now();
  try {
    lane.handler->deliver(items, outcomes);
  } catch (const std::exception& e) {
    for (auto& o : outcomes) o = {handlers::OutcomeKind::retryable, e.what(), std::nullopt};
  }
  apply(lane, items, outcomes, std::chrono::steady_clock::now() - started);
}

// `took` is the whole batch's time: for a batching handler an item is delivered when its batch
// is (the file handler's fsync), so that is the item's delivery duration too.
void Dispatcher::apply(Lane& lane, const std::vector<store::WorkItem>& items,
                       const std::vector<handlers::Outcome>& outcomes,
                       std::chrono::steady_clock::duration took) {
  auto count = [&](ops::DeliveryOutcome outcome) {
    if (metrics_) metrics_->attempt(lane.name, outcome, took);
  };
  std::vector<std::string> done;
  const auto& retry = retry_of(lane);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    const auto& outcome = outcomes[i];
    int attempts = item.attempts + 1;
    switch (outcome.kind) {
      case handlers::OutcomeKind::success:
        done.push_back(item.id);
        count(ops::DeliveryOutcome::success);
        break;
      case handlers::OutcomeKind::retryable:
        if (attempts < retry.max_attempts) {
          double r;
          {
            std::lock_guard lock(mutex_);
            r = unit(rng_);
          }
          auto delay = next_delay_ms(retry, attempts, r, outcome.retry_after_ms);
          // +1: now_() truncates to the millisecond, and a Retry-After is a floor, never early.
          store_.reschedule(item.id, now_() + delay + 1, outcome.error);
          count(ops::DeliveryOutcome::retry);
          ops::log(ops::Level::warn, "delivery failed, will retry",
                   {{"handler", lane.name}, {"delivery_id", item.delivery_id},
                    {"attempt", std::to_string(attempts)}, {"error", outcome.error}});
          break;
        }
        [[fallthrough]];
      case handlers::OutcomeKind::permanent:
        store_.dead_letter(item.id, outcome.error);
        count(ops::DeliveryOutcome::dead);
        ops::log(ops::Level::error, "delivery dead-lettered",
                 {{"handler", lane.name}, {"delivery_id", item.delivery_id},
                  {"attempt", std::to_string(attempts)}, {"error", outcome.error}});
        break;
    }
  }
  if (!done.empty()) store_.complete(done);
}

}  // namespace slwd::delivery
