#include "slwd/store/sqlite_store.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "slwd/config/config.hpp"
#include "slwd/ops/log.hpp"
#include "slwd/store/sqlite_ops.hpp"
#include "slwd/store/sqlite_reader.hpp"
#include "slwd/store/sqlite_writer.hpp"

namespace slwd::store {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Which store (if any) owns the calling thread: a blocking call made from a store callback
// would wait on the very thread that has to serve it.
thread_local const void* t_store_thread_owner = nullptr;

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

void create_parent_directory(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    throw std::runtime_error("sqlite store " + path + ": cannot create directory " +
                             parent.string() + ": " + ec.message());
  }
}

}  // namespace

struct SqliteStore::Impl {
  Impl(const config::StoreConfig& config, OpenMode mode, NowMs now, SqliteStoreOptions options);

  // Queues an op, or finishes it at once (not committed) when the store is shutting down or the
  // ingest queue is full. Never blocks beyond the queue mutex.
  bool submit(std::unique_ptr<SqliteOp> op);

  // Runs `body` on the store thread within the next batch and waits for the commit.
  template <typename T>
  T call(typename CallOp<T>::Body body, std::optional<T> fallback) {
    if (t_store_thread_owner == this) {
      throw std::logic_error("sqlite store: blocking call made from a store callback");
    }
    auto op = std::make_unique<CallOp<T>>(std::move(body), std::move(fallback));
    auto result = op->future();
    submit(std::move(op));
    return result.get();
  }

  void run();
  void run_batch(std::vector<std::unique_ptr<SqliteOp>>& batch);
  bool prune_chunk();
  void probe();
  void set_health(bool ok, const std::string& error);
  void notify_work();

  const std::string path_;
  const OpenMode mode_;
  const NowMs now_;
  const SqliteStoreOptions options_;
  SqliteWriter writer_;  // the store thread's alone once it runs
  SqliteReader reader_;

  std::mutex mutex_;  // guards queue_, ingest_queued_, accepting_
  std::condition_variable wake_;
  std::deque<std::unique_ptr<SqliteOp>> queue_;
  std::size_t ingest_queued_ = 0;
  bool accepting_ = true;

  std::atomic<bool> healthy_{true};
  std::atomic<std::uint64_t> transactions_{0};

  std::mutex listener_mutex_;  // held while the listener runs (see notify_work)
  std::function<void()> listener_;

  std::mutex shutdown_mutex_;  // serialises shutdown() callers around join()
  std::thread thread_;
};

SqliteStore::Impl::Impl(const config::StoreConfig& config, OpenMode mode, NowMs now,
                        SqliteStoreOptions options)
    : path_(config.sqlite.path),
      mode_(mode),
      now_(now ? std::move(now) : NowMs(system_now_ms)),
      options_(options),
      writer_((create_parent_directory(config.sqlite.path), config),
              static_cast<int>(options.busy_timeout.count())),
      reader_(config.sqlite.path, static_cast<int>(options.busy_timeout.count())) {
  if (mode_ == OpenMode::daemon) {
    // Only the serving process may do this: the previous one died, so nobody works on what it
    // had leased. A tool beside a live daemon must leave its leases alone.
    writer_.begin();
    try {
      const auto reset = writer_.reset_leases();
      writer_.commit();
      if (reset > 0) {
        ops::log(ops::Level::info, "sqlite store released leases of a previous run",
                 {{"path", path_}, {"entries", std::to_string(reset)}});
      }
    } catch (...) {
      writer_.rollback();
      throw;
    }
  }
  thread_ = std::thread([this] { run(); });
}

bool SqliteStore::Impl::submit(std::unique_ptr<SqliteOp> op) {
  const char* refused = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!accepting_) {
      refused = "sqlite store is shutting down";
    } else if (op->is_ingest() && ingest_queued_ >= options_.queue_capacity) {
      refused = "sqlite store queue is full";
    } else {
      if (op->is_ingest()) ++ingest_queued_;
      queue_.push_back(std::move(op));
    }
  }
  if (refused != nullptr) {
    // Completing inline on the caller's thread: waking the store thread to say "no" would put
    // the refusal behind the very backlog (or hung commit) that caused it.
    op->finish(false, refused);
    return false;
  }
  wake_.notify_one();
  return true;
}

void SqliteStore::Impl::run() {
  t_store_thread_owner = this;
  const bool prunes = mode_ == OpenMode::daemon;  // a tool must never write behind the daemon
  auto next_prune = SteadyClock::now() + options_.prune_interval;
  auto next_probe = SteadyClock::now();
  std::vector<std::unique_ptr<SqliteOp>> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto has_work = [this] { return !queue_.empty() || !accepting_; };
      const bool probing = !healthy_.load();
      if (prunes || probing) {
        auto deadline = prunes ? next_prune : SteadyClock::time_point::max();
        if (probing) deadline = std::min(deadline, next_probe);
        wake_.wait_until(lock, deadline, has_work);
      } else {
        wake_.wait(lock, has_work);
      }
      if (queue_.empty() && !accepting_) break;
      const auto take = std::min(queue_.size(), options_.batch_max);
      for (std::size_t i = 0; i < take; ++i) {
        if (queue_.front()->is_ingest()) --ingest_queued_;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    if (!batch.empty()) {
      run_batch(batch);
      batch.clear();
    }
    // Maintenance runs between batches, one bounded transaction at a time, so it delays a
    // waiting batch by at most one chunk.
    const auto now = SteadyClock::now();
    if (!healthy_.load() && now >= next_probe) {
      probe();
      next_probe = now + options_.probe_interval;
    }
    if (prunes && now >= next_prune) {
      // A full chunk means more are expired: go on right after the next batch (or at once when
      // idle) instead of waiting a whole interval.
      next_prune = prune_chunk() ? now : now + options_.prune_interval;
    }
  }
}

void SqliteStore::Impl::run_batch(std::vector<std::unique_ptr<SqliteOp>>& batch) {
  const auto now_ms = now_();
  bool committed = false;
  std::string error;
  try {
    writer_.begin();
    for (auto& op : batch) op->run(writer_, now_ms);
    writer_.commit();
    committed = true;
  } catch (const std::exception& e) {
    error = one_line(e.what());
    writer_.rollback();
  }
  if (committed) transactions_.fetch_add(1, std::memory_order_relaxed);
  set_health(committed, error);

  // Only now, with the batch durable (or known lost), do callers learn the outcome.
  bool work = false;
  for (auto& op : batch) {
    work = work || (committed && op->added_work());
    op->finish(committed, error);
  }
  if (work) notify_work();
}

bool SqliteStore::Impl::prune_chunk() {
  try {
    writer_.begin();
    const auto removed = writer_.prune_dedupe(now_(), options_.prune_chunk);
    writer_.commit();
    return removed >= options_.prune_chunk;
  } catch (const std::exception& e) {
    writer_.rollback();
    ops::log(ops::Level::warn, "sqlite store dedupe pruning failed",
             {{"path", path_}, {"error", one_line(e.what())}});
    return false;
  }
}

void SqliteStore::Impl::probe() {
  try {
    writer_.begin();
    writer_.probe(now_());
    writer_.commit();
    set_health(true, {});
  } catch (const std::exception&) {
    writer_.rollback();
  }
}

void SqliteStore::Impl::set_health(bool ok, const std::string& error) {
  const bool was = healthy_.exchange(ok);
  // Log transitions only: a full disk fails every batch, and one line per batch would bury
  // everything else.
  if (was && !ok) {
    ops::log(ops::Level::error, "sqlite store commit failed; refusing writes until it recovers",
             {{"path", path_}, {"error", error}});
  } else if (!was && ok) {
    ops::log(ops::Level::info, "sqlite store commits succeed again", {{"path", path_}});
  }
}

void SqliteStore::Impl::notify_work() {
  // Called under the lock, not on a copy: once set_work_listener() returns, the listener it
  // replaced has finished and is never called again, so its owner (the dispatcher) may go away.
  // A copy called outside the lock could still be running on an object being destroyed.
  std::lock_guard lock(listener_mutex_);
  if (!listener_) return;
  try {
    listener_();
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "store work listener threw", {{"error", e.what()}});
  }
}

SqliteStore::SqliteStore(const config::StoreConfig& config, OpenMode mode, NowMs now,
                         SqliteStoreOptions options) {
  try {
    impl_ = std::make_unique<Impl>(config, mode, std::move(now), options);
  } catch (const std::exception& e) {
    // SqliteError messages already name the path ("sqlite <path>: ..."); keep them one line.
    std::string message = one_line(e.what());
    if (message.find(config.sqlite.path) == std::string::npos) {
      message = "sqlite store " + config.sqlite.path + ": " + message;
    }
    throw std::runtime_error(message);
  }
}

SqliteStore::~SqliteStore() {
  shutdown();
}

void SqliteStore::record(Delivery delivery, RecordCallback done) {
  impl_->submit(std::make_unique<RecordOp>(std::move(delivery), std::move(done)));
}

void SqliteStore::quarantine(QuarantineItem item, QuarantineCallback done) {
  impl_->submit(std::make_unique<QuarantineOp>(std::move(item), std::move(done)));
}

std::vector<WorkItem> SqliteStore::claim(const std::string& handler, std::size_t max,
                                         std::chrono::milliseconds lease) {
  if (max == 0) return {};
  const auto lease_ms = lease.count();
  return impl_->call<std::vector<WorkItem>>(
      [handler, max, lease_ms](SqliteWriter& writer, std::int64_t now_ms, bool&) {
        return writer.claim(handler, max, now_ms, now_ms + lease_ms);
      },
      std::vector<WorkItem>{});
}

// Outcomes wait for their commit: the lane's next read (next_due_ms, a later claim) must see
// them. A failed commit is not reported: the entry keeps its lease, which expires (or is reset
// at the next start), and the attempt is made again — at least once, never lost.
void SqliteStore::complete(const std::vector<std::string>& ids) {
  std::vector<std::int64_t> rows;
  for (const auto& text : ids) {
    std::int64_t id = 0;
    if (parse_sqlite_id(text, id)) rows.push_back(id);
  }
  if (rows.empty()) return;
  impl_->call<bool>(
      [rows = std::move(rows)](SqliteWriter& writer, std::int64_t, bool&) {
        writer.complete(rows);
        return true;
      },
      false);
}

void SqliteStore::reschedule(const std::string& id, std::int64_t due_at_ms,
                             const std::string& error) {
  std::int64_t row = 0;
  if (!parse_sqlite_id(id, row)) return;
  impl_->call<bool>(
      [row, due_at_ms, error](SqliteWriter& writer, std::int64_t, bool&) {
        writer.reschedule(row, due_at_ms, error);
        return true;
      },
      false);
}

void SqliteStore::dead_letter(const std::string& id, const std::string& error) {
  std::int64_t row = 0;
  if (!parse_sqlite_id(id, row)) return;
  impl_->call<bool>(
      [row, error](SqliteWriter& writer, std::int64_t now_ms, bool&) {
        writer.dead_letter(row, now_ms, error);
        return true;
      },
      false);
}

std::optional<std::int64_t> SqliteStore::next_due_ms(const std::string& handler) {
  try {
    return impl_->reader_.next_due_ms(handler, impl_->now_());
  } catch (const std::exception& e) {
    // A lane that cannot read sleeps its idle interval and tries again; not worth failing it.
    ops::log(ops::Level::warn, "sqlite store read failed",
             {{"path", impl_->path_}, {"error", one_line(e.what())}});
    return std::nullopt;
  }
}

void SqliteStore::set_work_listener(std::function<void()> listener) {
  std::lock_guard lock(impl_->listener_mutex_);
  impl_->listener_ = std::move(listener);
}

std::vector<DeadLetter> SqliteStore::list_dead(const std::optional<std::string>& handler) {
  return impl_->reader_.list_dead(handler);
}

std::size_t SqliteStore::replay(const Selection& selection) {
  return impl_->call<std::size_t>(
      [selection](SqliteWriter& writer, std::int64_t now_ms, bool& added_work) {
        const auto count = writer.replay(selection, now_ms);
        added_work = count > 0;
        return count;
      },
      std::nullopt);
}

std::size_t SqliteStore::purge(const Selection& selection) {
  return impl_->call<std::size_t>(
      [selection](SqliteWriter& writer, std::int64_t, bool&) { return writer.purge(selection); },
      std::nullopt);
}

std::vector<QuarantineEntry> SqliteStore::list_quarantine() {
  return impl_->reader_.list_quarantine();
}

std::map<std::string, HandlerCounts> SqliteStore::counts() {
  try {
    return impl_->reader_.counts();
  } catch (const std::exception& e) {
    ops::log(ops::Level::warn, "sqlite store read failed",
             {{"path", impl_->path_}, {"error", one_line(e.what())}});
    return {};
  }
}

bool SqliteStore::ready() {
  {
    std::lock_guard lock(impl_->mutex_);
    if (!impl_->accepting_) return false;
  }
  return impl_->healthy_.load();
}

void SqliteStore::shutdown() {
  if (!impl_) return;
  {
    std::lock_guard lock(impl_->mutex_);
    impl_->accepting_ = false;
  }
  impl_->wake_.notify_all();
  // From a store callback the thread cannot join itself; it stops once the queue is drained
  // and the destructor joins it.
  if (t_store_thread_owner == impl_.get()) return;
  std::lock_guard lock(impl_->shutdown_mutex_);
  if (impl_->thread_.joinable()) impl_->thread_.join();
}

std::uint64_t SqliteStore::transactions_committed() const {
  return impl_->transactions_.load(std::memory_order_relaxed);
}

std::size_t SqliteStore::prune_expired() {
  const auto chunk = impl_->options_.prune_chunk;
  return impl_->call<std::size_t>(
      [chunk](SqliteWriter& writer, std::int64_t now_ms, bool&) {
        std::size_t total = 0;
        for (;;) {
          const auto removed = writer.prune_dedupe(now_ms, chunk);
          total += removed;
          if (removed < chunk) return total;
        }
      },
      std::nullopt);
}

std::unique_ptr<Store> open_sqlite_store(const config::StoreConfig& config, OpenMode mode,
                                         NowMs now) {
  return std::make_unique<SqliteStore>(config, mode, std::move(now));
}

}  // namespace slwd::store
