// `serve`: wires the parts together and runs them until SIGTERM/SIGINT (SPEC §8).
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <future>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "slwd/config/loader.hpp"
#include "slwd/delivery/dispatcher.hpp"
#include "slwd/http/admin.hpp"
#include "slwd/http/receiver.hpp"
#include "slwd/http/server.hpp"
#include "slwd/http/tls.hpp"
#include "slwd/ops/fd_limit.hpp"
#include "slwd/ops/log.hpp"
#include "slwd/ops/metrics.hpp"
#include "slwd/ops/systemd.hpp"
#include "slwd/store/store.hpp"
#include "slwd/version.hpp"

namespace slwd::cli {
namespace {

namespace net = boost::asio;

config::LoadResult load_for_serve(const ServeOptions& options) {
  std::string path = options.config_path;
  if (path.empty()) {
    if (const char* env = std::getenv("SMARTLEAD_WEBHOOKD_CONFIG"); env && *env) path = env;
  }
  if (path.empty()) return config::builtin_default_config(options.insecure_no_signature);
  return config::load_config_file(path);
}

// server.threads: 0 means one io thread per core this process may run on (its CPU affinity,
// which taskset, cgroups' cpusets and container limits narrow), not per core of the machine.
unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

// The io threads, each running an io_context of its own (concurrency hint 1), from before the
// store opens (a Redis store runs its client on the first one and waits for its first
// connection while it opens) until stop(); the destructor stops them too, when serve leaves
// early with an exception (a store that cannot connect, a port already taken).
//
// One io_context per thread, not one shared by all: a shared io_context takes one lock for
// every handler, timer and post, and its threads wake each other through it. Under the ingest
// benchmark two threads on one io_context spent ~7 us of CPU per request more than one thread
// (futex on that lock). A connection stays on the io_context it was accepted into.
class IoContexts {
 public:
  explicit IoContexts(unsigned count) {
    for (unsigned i = 0; i < count; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      works_.push_back(net::make_work_guard(*contexts_.back()));
    }
    for (auto& ioc : contexts_) {
      threads_.emplace_back([&ioc = *ioc] {
        // The Redis client's hiredis writes with write(2), not send(MSG_NOSIGNAL), on the io
        // thread that runs its strand: a write to a connection Redis reset raises SIGPIPE there,
        // which would kill the daemon. Blocked on these threads only (as the client's private
        // thread does for itself), the write fails with EPIPE and the client reconnects; the
        // process-wide disposition, and so what children and other threads see, is unchanged.
        // Sockets of Asio and libcurl already write with MSG_NOSIGNAL.
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
        ioc.run();
      });
    }
  }
  ~IoContexts() { stop(); }
  IoContexts(const IoContexts&) = delete;
  IoContexts& operator=(const IoContexts&) = delete;

  // The first: the store's Redis client, the listeners, signals and timers run here.
  net::io_context& main() { return *contexts_.front(); }
  std::vector<net::io_context*> all() {
    std::vector<net::io_context*> out;
    for (auto& ioc : contexts_) out.push_back(ioc.get());
    return out;
  }

  void stop() {
    if (threads_.empty()) return;
    works_.clear();
    for (auto& ioc : contexts_) ioc->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> works_;
  std::vector<std::thread> threads_;
};

ops::LogSettings log_settings(const config::LoggingConfig& logging) {
  ops::LogSettings s;
  ops::parse_level(logging.level, s.level);
  s.json = logging.format == config::LogFormat::json;
  s.redact_emails = logging.redact_emails;
  return s;
}

// SIGHUP (SPEC §8): endpoints, secrets and logging are swapped for requests that start after
// it; a config that does not load is logged and the running one kept.
void reload(http::PublicServer& server, delivery::Dispatcher& dispatcher,
            std::atomic<std::shared_ptr<const config::Config>>& running) {
  auto current = running.load();
  const std::string path = current->source;
  if (path.empty() || path.front() == '<') {
    ops::log(ops::Level::warn, "SIGHUP ignored: running on built-in defaults, no file to reload");
    return;
  }
  auto result = config::load_config_file(path);
  if (!result.config) {
    for (const auto& e : result.errors) {
      ops::log(ops::Level::error, "reload refused, keeping the running config",
               {{"error", e.to_string()}});
    }
    return;
  }
  auto next = std::make_shared<const config::Config>(std::move(*result.config));
  // Certificate rotation: the files are read again even when their paths did not change.
  auto tls = http::load_tls(*next);
  if (tls.error) {
    ops::log(ops::Level::error, "reload refused, keeping the running config",
             {{"error", tls.error->to_string()}});
    return;
  }
  if (next->server.listen != current->server.listen || next->admin.listen != current->admin.listen ||
      next->server.threads != current->server.threads ||
      next->delivery.workers != current->delivery.workers ||
      next->server.tls.has_value() != server.serves_tls()) {
    ops::log(ops::Level::warn,
             "listen addresses, threads, workers and turning server.tls on or off change only on "
             "restart");
  }
  try {
    dispatcher.reload(next);  // first: a handler that cannot be built refuses the whole reload
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "reload refused, keeping the running config", {{"error", e.what()}});
    return;
  }
  ops::configure_logging(log_settings(next->logging));
  server.swap_receiver(std::make_shared<const http::Receiver>(next));
  if (server.swap_certificate(tls.context)) {
    http::log_certificate("TLS certificate reloaded", tls.certificate);
  }
  running.store(next);
  ops::log(ops::Level::info, "config reloaded", {{"config", path}});
}

}  // namespace

int serve(const ServeOptions& options) {
  auto loaded = load_for_serve(options);
  if (!loaded.config) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << "\n";
    return 1;
  }
  auto config = std::make_shared<const config::Config>(std::move(*loaded.config));
  // The listener loads them again when it starts; checked here so that unusable TLS files stop
  // us before anything opens, reported like every other config problem.
  if (auto tls = http::load_tls(*config); tls.error) {
    std::cerr << tls.error->to_string() << "\n";
    return 1;
  }
  ops::configure_logging(log_settings(config->logging));
  // Before any descriptor is opened: one per connection, up to max_connections of them.
  ops::log_fd_limit(ops::raise_fd_limit(), config->server.max_connections);

  // Declared before everything that counts into it (store, dispatcher, servers), so it outlives
  // them all; /metrics renders it.
  ops::Metrics metrics;
  ops::register_process_metrics(metrics);

  // Declared before the store, which runs its Redis client on the main one: they must outlive
  // the store (declared after, destroyed before). The threads start now, since the store's
  // constructor waits for its first connection; they only carry the store's handlers until the
  // listeners open.
  unsigned threads = config->server.threads ? config->server.threads : usable_cores();
  IoContexts io_threads(threads);
  net::io_context& ioc = io_threads.main();

  auto store =
      store::open_store(config->store, store::OpenMode::daemon, store::system_now_ms, &ioc);
  delivery::Dispatcher dispatcher(*store, config, store::system_now_ms, &metrics);
  dispatcher.start();

  ops::Systemd systemd;  // Type=notify; every call is a no-op without $NOTIFY_SOCKET
  // The probe counts as answered once every io thread ran it: one stuck thread is a stuck daemon.
  systemd.start_watchdog([contexts = io_threads.all()](std::function<void()> probe) {
    auto left = std::make_shared<std::atomic<std::size_t>>(contexts.size());
    auto shared_probe = std::make_shared<std::function<void()>>(std::move(probe));
    for (auto* context : contexts) {
      net::post(*context, [left, shared_probe] {
        if (--*left == 0) (*shared_probe)();
      });
    }
  });

  std::atomic<bool> shutting_down{false};
  http::PublicServer server(ioc, io_threads.all(), std::make_shared<const http::Receiver>(config),
                            *store, &metrics);
  std::atomic<std::shared_ptr<const config::Config>> current{config};
  http::AdminContext admin_context;
  admin_context.store = store.get();
  admin_context.shutting_down = &shutting_down;
  admin_context.token = [&current] { return current.load()->admin.token; };
  admin_context.metrics_text = [&metrics] { return metrics.render(); };
  http::AdminServer admin(ioc, config->admin.listen, admin_context);
  // Installed before the listeners open: a SIGHUP that arrives once a client or systemd can see
  // us must not hit the default action (terminate). Signals are only noted on the io thread;
  // reloading (file reads) and stopping happen here on the main thread, so no io thread ever
  // waits on a disk.
  std::mutex signal_mutex;
  std::condition_variable signal_cv;
  std::deque<int> pending_signals;
  net::signal_set signals(ioc, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo != SIGHUP) shutting_down = true;  // /readyz turns 503 at once
        {
          std::lock_guard lock(signal_mutex);
          pending_signals.push_back(signo);
        }
        signal_cv.notify_one();
        if (signo == SIGHUP) signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  server.start();
  admin.start();

  ops::log(ops::Level::info, "listening",
           {{"version", kVersion},
            {"public", config->server.listen},
            {"public_port", std::to_string(server.port())},
            {"tls", server.serves_tls() ? "on" : "off"},
            {"admin_port", std::to_string(admin.port())},
            {"config", config->source}});
  systemd.ready("listening on port " + std::to_string(server.port()) + ", admin port " +
                std::to_string(admin.port()));

  for (;;) {
    std::unique_lock lock(signal_mutex);
    signal_cv.wait(lock, [&] { return !pending_signals.empty(); });
    int signo = pending_signals.front();
    pending_signals.pop_front();
    lock.unlock();
    if (signo != SIGHUP) break;
    systemd.reloading();
    reload(server, dispatcher, current);
    systemd.ready("serving; SIGHUP handled (the log says whether the new config was taken)");
  }
  systemd.stopping();
  ops::log(ops::Level::info, "shutting down: draining connections");
  std::promise<void> drained;
  server.begin_shutdown([&drained] { drained.set_value(); });
  auto grace = config->server.shutdown_timeout;
  if (drained.get_future().wait_for(grace) != std::future_status::ready) {
    ops::log(ops::Level::warn, "shutdown_timeout reached with requests still open");
  }
  dispatcher.stop();  // each worker finishes its current attempt
  // Commits what is queued and answers every callback, on the io threads (a Redis store's
  // client runs there), and closes its Redis connection while they still run.
  store->shutdown();
  admin.stop();  // also ends its worker: no admin request touches the store after this
  io_threads.stop();
  ops::log(ops::Level::info, "stopped");
  return 0;
}

}  // namespace slwd::cli
