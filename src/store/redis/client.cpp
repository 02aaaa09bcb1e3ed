// Client: one pipelined hiredis connection driven by one strand.
//
// Everything that touches hiredis or the connection state runs on the strand; other threads only
// post to it and read the atomic `connected_`. The strand belongs to the daemon's io_context
// (several io threads) or to the client's private one (one thread, "slwd-redis"); the code is the
// same. Every I/O object (the adapter's descriptor, the timers, the resolver) is constructed with
// the strand as its executor, so each completion runs on it with no explicit binding.
//
// Who owns what: Client owns Impl through a shared_ptr, and so does every handler queued on the
// strand (timer waits, resolves, posted commands): whichever runs last frees Impl, never a
// handler that finds it gone. Impl owns the AsyncContext (one hiredis connection), which owns
// hiredis's context, which owns the adapter. Only the AsyncContext's "closed" notice holds Impl
// weakly: it is stored inside Impl and a strong reference there would be a cycle.
//
// Connection life cycle:
//
//   idle --start--> connecting --handshake ok--> ready --broken/timeout--> backoff --> connecting
//                       |                                                     ^
//                       +----failed / connect_timeout-------------------------+
//   any --stop--> stopped
//
// "connecting" covers resolving, the TCP/unix connect and the handshake (AUTH, SELECT, PING,
// CLIENT SETNAME), all bounded by connect_timeout. Commands are accepted only when ready; at any
// other time they complete at once with "not connected" so callers never queue behind a dead
// socket. hiredis 0.14 has no timers (no scheduleTimer, no redisAsyncSetTimeout), so both
// deadlines are Asio timers here.
#include "slwd/store/redis/client.hpp"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "adapter_context.hpp"
#include "reply.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::store::redis {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kBackoffFirst{50};
constexpr milliseconds kBackoffMax{2000};
// call() waits for the callback, which the client guarantees within command_timeout; the margin
// only covers a posting backlog on the strand.
constexpr milliseconds kCallMargin{5000};

const std::string kNotConnected = "not connected";
const std::string kDisconnected = "disconnected";
const std::string kTimeout = "timeout";

// A command sent on the current connection, waiting for its reply. Shared by the reply handler
// (held by hiredis) and the in-flight queue (for the deadline); `done` makes whichever of reply,
// timeout or disconnect comes first the only one that reaches the caller.
struct Pending {
  Client::Callback callback;
  Clock::time_point deadline;
  bool done = false;
};

void invoke(Client::Callback& callback, std::optional<Reply> reply, const std::string& error) {
  // A throwing caller callback must not unwind through hiredis or the io loop.
  try {
    callback(std::move(reply), error);
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "redis: command callback threw", {{"error", e.what()}});
  } catch (...) {
    ops::log(ops::Level::error, "redis: command callback threw");
  }
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// hiredis 0.14 keeps its own callback bookkeeping for these (per channel, or repeated for
// MONITOR), which would break "exactly once"; the store never needs them on this connection.
bool unsupported(const Command& command) {
  static const char* const kNames[] = {"subscribe",    "psubscribe",   "ssubscribe", "unsubscribe",
                                       "punsubscribe", "sunsubscribe", "monitor"};
  std::string name = lower(command.name());
  return std::any_of(std::begin(kNames), std::end(kNames),
                     [&](const char* n) { return name == n; });
}

}  // namespace

struct Client::Impl : std::enable_shared_from_this<Client::Impl> {
  // The I/O objects' executor is the strand itself (not any_io_executor): no type erasure on
  // the hot path, and every completion handler runs on the strand.
  using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Strand>;
  using Resolver = asio::ip::basic_resolver<asio::ip::tcp, Strand>;

  Impl(ClientOptions options, asio::io_context* external)
      : options_(std::move(options)),
        own_io_(external ? nullptr : std::make_unique<asio::io_context>(1)),
        io_(external ? *external : *own_io_),
        strand_(asio::make_strand(io_)),
        resolver_(strand_),
        connect_timer_(strand_),
        retry_timer_(strand_),
        command_timer_(strand_),
        rng_(std::random_device{}()) {
    if (own_io_) work_.emplace(own_io_->get_executor());
  }

  ~Impl() {
    // Normally stop() already closed it; otherwise (the last handler holding us was dropped
    // unrun) every command in flight still gets its "disconnected" while the members live.
    close_context();
    // Only reached on the private thread itself when a Client was destroyed from one of its own
    // callbacks (see shutdown()): the thread cannot join itself, and it ends right after this.
    if (thread_.joinable()) thread_.detach();
  }

  void run_private_thread() {
    thread_ = std::thread([self = shared_from_this()] {
      // hiredis writes with write(2), not send(MSG_NOSIGNAL): a write to a socket the server
      // reset raises SIGPIPE, which kills the process by default. The signal goes to the thread
      // that wrote, so blocking it here (only here) turns it into EPIPE -> "disconnected".
      sigset_t pipe_only;
      sigemptyset(&pipe_only);
      sigaddset(&pipe_only, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
      // Named for operators (top -H, perf): this thread carries every Redis round trip.
      pthread_setname_np(pthread_self(), "slwd-redis");
      self->own_io_->run();
    });
  }

  // True on every thread running the io_context the strand belongs to, on the strand or not:
  // such a thread must never block waiting for the strand (with one io thread it would wait for
  // itself; with several, every io thread might).
  bool on_io_thread() const { return io_.get_executor().running_in_this_thread(); }

  // ---- any thread ----------------------------------------------------------------------------

  void request_stop() {
    if (stop_requested_.exchange(true)) return;
    if (on_io_thread()) {
      asio::post(strand_, [self = shared_from_this()] { self->stop(); });
      return;
    }
    // The barrier is posted by stop() itself, so it runs after everything that was queued on the
    // strand before stop() ran (commands completing with "disconnected", earlier tasks).
    auto done = std::make_shared<std::promise<void>>();
    auto stopped = done->get_future();
    asio::post(strand_, [self = shared_from_this(), done] {
      self->stop();
      asio::post(self->strand_, [done] { done->set_value(); });
    });
    stopped.wait();
  }

  // For ~Client.
  void shutdown() {
    if (!own_io_) return request_stop();
    // The private thread: once stopped and without the work guard, run() returns when the
    // handlers already queued have run.
    asio::post(strand_, [self = shared_from_this()] {
      self->stop();
      self->work_.reset();
    });
    // Destroyed from one of its own callbacks: the thread's own reference keeps this object
    // alive until run() returns.
    if (on_io_thread()) return;
    if (thread_.joinable()) thread_.join();
    // Handlers posted from other threads after run() returned (a late send()) would otherwise
    // hold this object from inside its own io_context forever: run them here ("disconnected").
    own_io_->restart();
    own_io_->run();
  }

  void set_connected(bool value) {
    {
      std::lock_guard lock(mutex_);
      connected_.store(value);
    }
    cv_.notify_all();
  }

  void set_last_error(std::string error) {
    std::lock_guard lock(mutex_);
    last_error_ = std::move(error);
  }

  std::string last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
  }

  // ---- strand only ------------------------------------------------------------------------

  std::string target_name() const {
    const RedisUrl& url = options_.url;
    if (!url.unix_path.empty()) return "unix:" + url.unix_path;
    return url.host + ":" + std::to_string(url.port);  // never the password
  }

  void begin() {
    if (state_ != State::idle) return;
    begin_attempt();
  }

  void begin_attempt() {
    ++attempt_;
    state_ = State::connecting;
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait(
        [this, self = shared_from_this(), attempt = attempt_](const boost::system::error_code& ec) {
          if (ec || attempt != attempt_ || state_ != State::connecting) return;
          drop_connection("connect timed out after " +
                          std::to_string(options_.connect_timeout.count()) + "ms");
        });

    const RedisUrl& url = options_.url;
    if (!url.unix_path.empty()) {
      open({.ip = {}, .port = 0, .unix_path = url.unix_path});
      return;
    }
    boost::system::error_code ec;
    auto address = asio::ip::make_address(url.host, ec);
    if (!ec) {
      open({.ip = address.to_string(), .port = url.port, .unix_path = {}});
      return;
    }
    // A host name: resolve without blocking the strand (hiredis would call getaddrinfo inline).
    // The connect timer bounds this too.
    resolver_.async_resolve(
        url.host, std::to_string(url.port),
        [this, self = shared_from_this(), attempt = attempt_](
            const boost::system::error_code& ec, const Resolver::results_type& results) {
          if (attempt != attempt_ || state_ != State::connecting) return;
          if (ec || results.empty()) {
            drop_connection("cannot resolve " + options_.url.host + ": " +
                            (ec ? ec.message() : std::string("no addresses")));
            return;
          }
          auto endpoint = results.begin()->endpoint();
          open({.ip = endpoint.address().to_string(), .port = endpoint.port(), .unix_path = {}});
        });
  }

  void open(const AsyncContext::Target& target) {
    std::string error;
    // Weak: this handler is stored inside ctx_, which this object owns.
    ctx_ = AsyncContext::connect(
        strand_, target,
        [weak = weak_from_this(), attempt = attempt_](std::string error) {
          auto self = weak.lock();
          if (self && attempt == self->attempt_) self->drop_connection(std::move(error));
        },
        error);
    if (!ctx_) {
      drop_connection(std::move(error));
      return;
    }
    send_handshake();
  }

  struct Step {
    Command command;
    std::string what;
    bool fatal;
  };

  // Pipelined behind the connect: hiredis buffers them and writes once the socket is up.
  void send_handshake() {
    const RedisUrl& url = options_.url;
    std::vector<Step> steps;
    if (!url.password.empty()) {
      Command auth("AUTH");
      if (!url.username.empty()) auth.arg(url.username);
      steps.push_back({std::move(auth.arg(url.password)), "AUTH", true});
    }
    if (url.db != 0) steps.push_back({std::move(Command("SELECT").arg(url.db)), "SELECT", true});
    // Catches a server that wants a password we were not given (NOAUTH) before we say ready.
    steps.push_back({Command("PING"), "PING", true});
    // Only a courtesy for operators (CLIENT LIST); an ACL may forbid it.
    if (!options_.name.empty()) {
      steps.push_back({std::move(Command("CLIENT").arg("SETNAME").arg(options_.name)),
                       "CLIENT SETNAME", false});
    }
    for (std::size_t i = 0; i < steps.size(); ++i) {
      bool last = i + 1 == steps.size();
      auto handler = [this, attempt = attempt_, what = steps[i].what, fatal = steps[i].fatal,
                      last](const redisReply* reply) {
        on_handshake_reply(attempt, what, fatal, last, reply);
      };
      if (!ctx_->send(std::move(steps[i].command).wire(), std::move(handler))) {
        drop_connection("cannot queue " + steps[i].what);
        return;
      }
    }
  }

  // Runs inside a hiredis callback: it must not free the context, so failures are posted.
  void on_handshake_reply(std::uint64_t attempt, const std::string& what, bool fatal, bool last,
                          const redisReply* reply) {
    if (attempt != attempt_ || state_ != State::connecting) return;
    if (reply == nullptr) return;  // the context is going away; on_closed reports why
    if (reply->type == REDIS_REPLY_ERROR) {
      std::string message = what + " failed: " + std::string(reply->str, reply->len);
      if (fatal) {
        state_ = State::failing;  // later handshake replies must not declare us ready
        asio::post(strand_, [this, self = shared_from_this(), attempt, message] {
          if (attempt == attempt_ && state_ == State::failing) drop_connection(message);
        });
        return;
      }
      ops::log(ops::Level::warn, "redis: handshake step failed (ignored)",
               {{"target", target_name()}, {"error", message}});
    }
    if (last) on_ready();
  }

  void on_ready() {
    state_ = State::ready;
    connect_timer_.cancel();
    backoff_ = kBackoffFirst;
    set_last_error({});
    last_logged_error_.clear();
    set_connected(true);
    ops::log(ops::Level::info, "redis: connected",
             {{"target", target_name()}, {"db", std::to_string(options_.url.db)}});
  }

  // The connection (or attempt) is unusable: free it, fail what is in flight, retry later.
  // Never called from inside a hiredis callback.
  void drop_connection(std::string reason) {
    if (state_ == State::stopped) return;
    bool was_ready = state_ == State::ready;
    state_ = State::backoff;
    ++attempt_;  // anything still queued for the old attempt is now stale
    set_connected(false);
    set_last_error(reason);
    connect_timer_.cancel();
    resolver_.cancel();
    close_context();
    if (was_ready || reason != last_logged_error_) {
      ops::log(ops::Level::warn, was_ready ? "redis: connection lost" : "redis: connect failed",
               {{"target", target_name()}, {"error", reason}});
      last_logged_error_ = reason;
    }
    schedule_retry();
  }

  // Frees the hiredis context: hiredis runs every pending reply handler with nullptr, so each
  // command in flight completes with "disconnected" right here.
  void close_context() {
    auto ctx = std::move(ctx_);  // ctx_ is already null while the callbacks run
    ctx.reset();
    inflight_.clear();
  }

  void schedule_retry() {
    // Jittered exponential backoff: a delay drawn from [d/2, d], d doubling up to kBackoffMax, so
    // replicas that lost Redis together do not reconnect in lockstep.
    auto half = backoff_.count() / 2;
    std::uniform_int_distribution<long long> draw(half, backoff_.count());
    milliseconds delay{draw(rng_)};
    backoff_ = std::min(backoff_ * 2, kBackoffMax);
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait(
        [this, self = shared_from_this(), attempt = attempt_](const boost::system::error_code& ec) {
          if (ec || attempt != attempt_ || state_ != State::backoff) return;
          begin_attempt();
        });
  }

  void issue(Command command, Callback callback, Clock::time_point deadline) {
    if (state_ == State::stopped) return invoke(callback, std::nullopt, kDisconnected);
    if (command.argc() == 0 || unsupported(command)) {
      return invoke(callback, std::nullopt, "unsupported command");
    }
    if (state_ != State::ready || !ctx_ || !ctx_->open()) {
      return invoke(callback, std::nullopt, kNotConnected);
    }
    // It waited in the strand's queue past its deadline: a local backlog, not a sign the
    // server hangs, so time it out without sending and keep the connection.
    if (Clock::now() >= deadline) return invoke(callback, std::nullopt, kTimeout);

    auto pending = std::make_shared<Pending>(Pending{std::move(callback), deadline});
    bool sent = ctx_->send(std::move(command).wire(), [this, pending](const redisReply* reply) {
      on_command_reply(*pending, reply);
    });
    if (!sent) return complete(*pending, std::nullopt, kNotConnected);
    inflight_.push_back(std::move(pending));
    arm_command_timer();
  }

  void complete(Pending& pending, std::optional<Reply> reply, const std::string& error) {
    if (pending.done) return;
    pending.done = true;
    invoke(pending.callback, std::move(reply), error);
  }

  // Runs inside a hiredis callback (reply or teardown).
  void on_command_reply(Pending& pending, const redisReply* reply) {
    // A reply after the command timed out is dropped here (done is already set). The hiredis
    // callback stays registered until then on purpose: 0.14 asserts when a reply arrives that
    // no callback is waiting for.
    if (reply != nullptr) {
      complete(pending, to_reply(*reply), {});
    } else {
      complete(pending, std::nullopt, kDisconnected);
    }
    while (!inflight_.empty() && inflight_.front()->done) inflight_.pop_front();
  }

  // One timer for the whole pipeline: replies come in order, so only the oldest command in
  // flight can be the first to miss its deadline. The timer is re-armed lazily when it fires,
  // not on every reply, so a busy pipeline costs no timer operations per command.
  void arm_command_timer() {
    if (command_timer_armed_ || inflight_.empty()) return;
    command_timer_armed_ = true;
    command_timer_.expires_at(inflight_.front()->deadline);
    command_timer_.async_wait(
        [this, self = shared_from_this()](const boost::system::error_code& ec) {
          command_timer_armed_ = false;
          if (ec || state_ == State::stopped) return;
          on_command_timer();
        });
  }

  void on_command_timer() {
    auto now = Clock::now();
    bool timed_out = false;
    while (!inflight_.empty() && (inflight_.front()->done || inflight_.front()->deadline <= now)) {
      auto pending = std::move(inflight_.front());
      inflight_.pop_front();
      if (!pending->done) {
        complete(*pending, std::nullopt, kTimeout);
        timed_out = true;
      }
    }
    if (timed_out && state_ == State::ready) {
      // The server stopped answering (hung, or the network path died without a RST): every later
      // command would queue behind this one, so start over on a fresh connection.
      drop_connection("no reply within command_timeout (" +
                      std::to_string(options_.command_timeout.count()) + "ms)");
      return;
    }
    arm_command_timer();
  }

  void stop() {
    if (state_ == State::stopped) return;
    state_ = State::stopped;
    ++attempt_;
    set_connected(false);
    connect_timer_.cancel();
    retry_timer_.cancel();
    command_timer_.cancel();
    resolver_.cancel();
    close_context();  // in-flight callbacks: "disconnected"
  }

  enum class State { idle, connecting, failing, ready, backoff, stopped };

  const ClientOptions options_;
  // Private mode only: the io_context, the work guard that keeps its thread running until
  // shutdown() (reset on the strand), and the thread.
  std::unique_ptr<asio::io_context> own_io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread thread_;
  asio::io_context& io_;  // own_io_ or the daemon's
  Strand strand_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stop_requested_{false};

  std::atomic<bool> connected_{false};
  mutable std::mutex mutex_;  // connected_ transitions (for cv_) and last_error_
  std::condition_variable cv_;
  std::string last_error_;

  // strand only
  State state_ = State::idle;
  std::uint64_t attempt_ = 0;
  std::unique_ptr<AsyncContext> ctx_;
  Resolver resolver_;
  Timer connect_timer_;
  Timer retry_timer_;
  Timer command_timer_;
  bool command_timer_armed_ = false;
  std::deque<std::shared_ptr<Pending>> inflight_;
  milliseconds backoff_ = kBackoffFirst;
  std::minstd_rand rng_;
  std::string last_logged_error_;
};

Client::Client(ClientOptions options, asio::io_context* io)
    : impl_(std::make_shared<Impl>(std::move(options), io)) {
  if (!io) impl_->run_private_thread();
}

Client::~Client() {
  if (!impl_) return;
  impl_->shutdown();
  impl_.reset();
}

void Client::start() {
  if (impl_->started_.exchange(true)) return;
  asio::post(impl_->strand_, [impl = impl_] { impl->begin(); });
}

void Client::stop() {
  impl_->request_stop();
}

bool Client::wait_connected(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex_);
  return impl_->cv_.wait_for(lock, timeout, [&] { return impl_->connected_.load(); });
}

bool Client::connected() const {
  return impl_->connected_.load();
}

void Client::command(std::vector<std::string> args, Callback callback) {
  Command encoded;
  for (const auto& arg : args) encoded.arg(arg);
  send(std::move(encoded), std::move(callback), Clock::now());
}

void Client::send(Command command, Callback callback, Clock::time_point since) {
  // The deadline counts from the call (or the caller's `since`), not from when the strand gets
  // to it.
  auto deadline = since + impl_->options_.command_timeout;
  // defer, not post: from an io thread the strand's turn goes on this thread's own queue, run
  // right after the current handler, instead of waking another thread (a futex round trip per
  // command); from any other thread it is a post.
  asio::defer(impl_->strand_, [impl = impl_, command = std::move(command),
                               callback = std::move(callback), deadline]() mutable {
    impl->issue(std::move(command), std::move(callback), deadline);
  });
}

void Client::post(std::function<void()> task) {
  asio::defer(impl_->strand_, [task = std::move(task)] {  // defer: as in send()
    // Like a command callback: nothing may unwind through the io loop.
    try {
      task();
    } catch (const std::exception& e) {
      ops::log(ops::Level::error, "redis: posted task threw", {{"error", e.what()}});
    } catch (...) {
      ops::log(ops::Level::error, "redis: posted task threw");
    }
  });
}

Reply Client::call(std::vector<std::string> args) {
  if (impl_->on_io_thread()) {
    throw std::logic_error(
        "redis: Client::call() on a thread running the client's io_context could wait for "
        "itself; use command()");
  }
  struct Outcome {
    std::optional<Reply> reply;
    std::string error;
  };
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  command(std::move(args), [promise](std::optional<Reply> reply, std::string error) {
    promise->set_value(Outcome{std::move(reply), std::move(error)});
  });
  if (future.wait_for(impl_->options_.command_timeout + kCallMargin) != std::future_status::ready) {
    throw std::runtime_error("redis: the client's strand did not answer in time");
  }
  Outcome outcome = future.get();
  if (outcome.reply) return std::move(*outcome.reply);
  std::string message = "redis: " + outcome.error;
  if (outcome.error == kNotConnected) {
    if (auto why = impl_->last_error(); !why.empty()) message += " (" + why + ")";
  }
  throw std::runtime_error(message);
}

}  // namespace slwd::store::redis
