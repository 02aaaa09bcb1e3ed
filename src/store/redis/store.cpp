// RedisStore: construction, Redis access with health tracking, the store thread, shutdown.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

// Unique per process and per store: two stores in one process (tests, a tool beside a daemon)
// must not share a consumer, or one would renew and complete the other's work as its own.
std::string make_consumer_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  std::uniform_int_distribution<unsigned> dist(0, 0xffffff);
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%06x", dist(rd));
  return std::string(host[0] ? host : "host") + "-" + std::to_string(::getpid()) + "-" + suffix;
}

std::int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             SteadyClock::now().time_since_epoch())
      .count();
}

redis::RedisUrl parse_url(const std::string& url) {
  std::string error;
  auto parsed = redis::parse_redis_url(url, error);
  if (!parsed) throw std::runtime_error("store.redis.url: " + one_line(error));
  return *parsed;
}

redis::ClientOptions client_options(const config::RedisConfig& config, redis::RedisUrl url) {
  redis::ClientOptions options;
  options.url = std::move(url);
  options.connect_timeout = config.connect_timeout;
  options.command_timeout = config.command_timeout;
  options.name = "smartlead-webhookd";
  return options;
}

}  // namespace

RedisStore::Impl::Impl(const config::StoreConfig& config, OpenMode mode, NowMs now,
                       RedisStoreOptions options, redis::RedisUrl url)
    : config_(config),
      mode_(mode),
      now_(now ? std::move(now) : NowMs(system_now_ms)),
      options_(options),
      keys_(config.redis.key_prefix),
      where_(redis::describe(url)),
      consumer_(make_consumer_name()),
      ttl_ms_(std::to_string(std::max<std::int64_t>(1, config.dedupe_ttl.count()))),
      lease_ms_(std::max<std::int64_t>(1, config.redis.lease.count())),
      client_(client_options(config.redis, std::move(url)), options.io) {}

redis::Reply RedisStore::Impl::call(std::vector<std::string> args) {
  try {
    auto reply = client_.call(std::move(args));
    note_ok();
    return reply;
  } catch (const std::exception& e) {
    note_failure(e.what());
    throw redis::Unavailable("redis " + where_ + ": " + one_line(e.what()));
  }
}

redis::Reply RedisStore::Impl::eval(const redis::Script& script,
                                    const std::vector<std::string>& keys,
                                    const std::vector<std::string>& args) {
  auto build = [&](bool full) {
    std::vector<std::string> v;
    v.reserve(3 + keys.size() + args.size());
    v.emplace_back(full ? "EVAL" : "EVALSHA");
    v.push_back(full ? script.text : script.sha);
    v.push_back(std::to_string(keys.size()));
    v.insert(v.end(), keys.begin(), keys.end());
    v.insert(v.end(), args.begin(), args.end());
    return v;
  };
  auto reply = call(build(false));
  if (reply.is_error() && reply.str.starts_with("NOSCRIPT")) reply = call(build(true));
  return reply;
}

redis::Reply RedisStore::Impl::eval_or_throw(const redis::Script& script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args) {
  auto reply = eval(script, keys, args);
  if (reply.is_error()) {
    throw std::runtime_error("redis " + where_ + ": " + std::string(script.name) + ": " +
                             one_line(reply.str));
  }
  return reply;
}

// Loaded up front so the first burst of records does not meet NOSCRIPT one by one; after a
// Redis restart eval() and send_record() reload them on demand.
void RedisStore::Impl::load_scripts() {
  std::size_t count = 0;
  const auto* scripts = redis::all_scripts(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto reply = call({"SCRIPT", "LOAD", scripts[i]->text});
    if (reply.is_error()) {
      throw std::runtime_error("redis " + where_ + ": cannot load the " +
                               std::string(scripts[i]->name) + " script: " + one_line(reply.str));
    }
  }
}

void RedisStore::Impl::note_ok() {
  if (failing_.load(std::memory_order_relaxed)) failing_.store(false);
  if (outage_logged_.load(std::memory_order_relaxed) && outage_logged_.exchange(false)) {
    ops::log(ops::Level::info, "redis answers again", {{"redis", where_}});
  }
}

void RedisStore::Impl::note_failure(std::string_view why) {
  failing_.store(true);
  if (!outage_logged_.exchange(true)) {
    ops::log(ops::Level::error,
             "redis does not answer: records get 503 and delivery pauses until it does",
             {{"redis", where_}, {"error", one_line(std::string(why))}});
  }
}

// Redis answered with an error (OOM under noeviction, a script error): logged at most once a
// minute, since under load every request would repeat it.
void RedisStore::Impl::note_error_reply(std::string_view what, const std::string& message) {
  const auto now = steady_ms();
  auto last = last_error_log_.load();
  if (now - last < 60000 && last != 0) return;
  if (!last_error_log_.compare_exchange_strong(last, now)) return;
  ops::log(ops::Level::error, "redis refused a command",
           {{"redis", where_}, {"command", what}, {"error", one_line(message)}});
}

bool RedisStore::Impl::admit() {
  std::lock_guard lock(ingest_mutex_);
  if (!accepting_ || in_flight_ >= options_.max_in_flight) return false;
  ++in_flight_;
  return true;
}

void RedisStore::Impl::release(std::size_t count) {
  std::lock_guard lock(ingest_mutex_);
  in_flight_ -= count;
  if (in_flight_ == 0) drained_.notify_all();
}

void RedisStore::Impl::throw_if_stopped() const {
  if (stopped_.load()) throw std::runtime_error("redis store is shut down");
}

void RedisStore::Impl::signal_work() {
  if (work_signalled_.exchange(true)) return;  // the store thread has not taken the last one yet
  std::lock_guard lock(mutex_);
  wake_.notify_one();
}

void RedisStore::Impl::notify_listener() {
  // Under the lock, not on a copy: once set_work_listener() returns, the old listener has
  // finished and never runs again, so its owner may be destroyed (TSan found a dispatcher
  // destroyed while a copy was still signalling it).
  std::lock_guard lock(listener_mutex_);
  if (!listener_) return;
  try {
    listener_();
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "store work listener threw", {{"error", e.what()}});
  }
}

// The store thread: the work signal of a replay (the dlq tools' caller must not run the
// listener), lease renewal every lease/3, trimming, and a PING while Redis is failing so /readyz
// recovers without traffic. Only the signals run in tool mode. (Recorded work notifies the
// listener directly from the strand that got Redis's answer: store_record.cpp.)
void RedisStore::Impl::run() {
  const bool daemon = mode_ == OpenMode::daemon;
  const auto renew_every = std::chrono::milliseconds(std::max<std::int64_t>(1, lease_ms_ / 3));
  auto next_renew = SteadyClock::now() + renew_every;
  auto next_trim = SteadyClock::now() + options_.trim_interval;
  auto next_probe = SteadyClock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto deadline = SteadyClock::time_point::max();
    if (daemon) deadline = std::min(next_renew, next_trim);
    if (failing_.load() || !client_.connected()) deadline = std::min(deadline, next_probe);
    const auto woken = [this] { return stopping_ || work_signalled_.load(); };
    if (deadline == SteadyClock::time_point::max()) {
      wake_.wait(lock, woken);
    } else {
      wake_.wait_until(lock, deadline, woken);
    }
    if (stopping_) break;
    lock.unlock();
    if (work_signalled_.exchange(false)) notify_listener();
    const auto now = SteadyClock::now();
    try {
      if ((failing_.load() || !client_.connected()) && now >= next_probe) {
        next_probe = now + options_.probe_interval;
        call({"PING"});
      }
      if (daemon && now >= next_renew) {
        next_renew = now + renew_every;
        renew_leases();
      }
      if (daemon && now >= next_trim) {
        next_trim = now + options_.trim_interval;
        trim();
      }
    } catch (const redis::Unavailable&) {
      // Noted (and logged once) by call(); the next round tries again.
    } catch (const std::exception& e) {
      ops::log(ops::Level::warn, "redis store maintenance failed",
               {{"redis", where_}, {"error", one_line(e.what())}});
    }
    lock.lock();
  }
}

RedisStore::RedisStore(const config::StoreConfig& config, OpenMode mode, NowMs now,
                       RedisStoreOptions options) {
  auto url = parse_url(config.redis.url);
  impl_ = std::make_unique<Impl>(config, mode, std::move(now), options, url);
  auto& impl = *impl_;
  impl.client_.start();
  if (!impl.client_.wait_connected(config.redis.connect_timeout)) {
    throw std::runtime_error("redis " + impl.where_ + ": no connection within " +
                             std::to_string(config.redis.connect_timeout.count()) + "ms");
  }
  try {
    redis::check_server(impl.client_, config.redis, impl.where_, mode == OpenMode::daemon);
    impl.load_scripts();
  } catch (const redis::Unavailable& e) {
    throw std::runtime_error(one_line(e.what()));
  }
  impl.thread_ = std::thread([&impl] { impl.run(); });
}

RedisStore::~RedisStore() {
  shutdown();
}

bool RedisStore::ready() {
  {
    std::lock_guard lock(impl_->ingest_mutex_);
    if (!impl_->accepting_) return false;
  }
  return impl_->client_.connected() && !impl_->failing_.load();
}

void RedisStore::set_work_listener(std::function<void()> listener) {
  std::lock_guard lock(impl_->listener_mutex_);
  impl_->listener_ = std::move(listener);
}

void RedisStore::shutdown() {
  if (!impl_) return;
  auto& impl = *impl_;
  {
    std::unique_lock lock(impl.ingest_mutex_);
    impl.accepting_ = false;
    // Every record already sent is answered within command_timeout (the client guarantees it;
    // twice that covers a NOSCRIPT resend): wait for those answers, so every callback has run.
    const auto limit = 2 * impl.config_.redis.command_timeout + std::chrono::seconds(1);
    if (!impl.drained_.wait_for(lock, limit, [&] { return impl.in_flight_ == 0; })) {
      ops::log(ops::Level::warn, "redis store shut down with records still unanswered",
               {{"redis", impl.where_}, {"records", std::to_string(impl.in_flight_)}});
    }
  }
  impl.stopped_.store(true);
  {
    std::lock_guard lock(impl.mutex_);
    impl.stopping_ = true;
  }
  impl.wake_.notify_all();
  // The work listener runs on the store thread: a shutdown from there cannot join itself; the
  // destructor's call joins it.
  if (impl.thread_.get_id() == std::this_thread::get_id()) return;
  std::lock_guard lock(impl.shutdown_mutex_);
  if (impl.thread_.joinable()) impl.thread_.join();
  // Nothing of ours uses the connection any more. Closed here, while the daemon's io threads
  // still run the client's strand, so that destroying the store later needs none of them.
  impl.client_.stop();
}

std::size_t RedisStore::trim_now() {
  impl_->throw_if_stopped();
  return impl_->trim();
}

std::uint64_t RedisStore::leases_renewed() const {
  return impl_->renewed_.load();
}

std::unique_ptr<Store> open_redis_store(const config::StoreConfig& config, OpenMode mode,
                                        NowMs now, boost::asio::io_context* io) {
  RedisStoreOptions options;
  options.io = io;
  return std::make_unique<RedisStore>(config, mode, std::move(now), options);
}

}  // namespace slwd::store
