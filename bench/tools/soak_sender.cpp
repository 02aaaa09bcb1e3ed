#include "soak_sender.hpp"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bench_client.hpp"
#include "bench_events.hpp"
#include "bench_http_server.hpp"
#include "bench_stats.hpp"
#include "slwd/events/event.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::bench {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

// What one interval saw; the io thread is the only writer (the sink's count is separate).
struct Window {
  std::uint64_t sent = 0, ok = 0, failed = 0;
  std::vector<double> latencies_ms;
};

struct Run {
  const SoakOptions& options;
  Clock::time_point start;
  Clock::time_point end;
  Window window;
  std::uint64_t failed_total = 0;
  std::atomic<std::uint64_t> delivered{0};
  std::uint64_t delivered_reported = 0;
  std::FILE* report = nullptr;
  int minute = 0;
};

net::awaitable<void> sleep_until(Clock::time_point when) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_at(when);
  co_await timer.async_wait(net::use_awaitable);
}

net::awaitable<void> connection(Run& run, int index) {
  const auto& o = run.options;
  PostConnection to(co_await net::this_coro::executor, parse_http_url(o.url));
  const auto& types = events::known_event_types();
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(o.connections) / o.rate));
  auto due = run.start + interval * index / o.connections;
  for (std::uint64_t n = 0; due < run.end; ++n, due += interval) {
    co_await sleep_until(due);
    const std::string id = "soak-" + std::to_string(index) + "-" + std::to_string(n);
    const std::string body = unique_event_body(types[n % types.size()], id);
    const auto result = co_await to.post(body, security::signature_header(o.secret, body), id, o.timeout);
    ++run.window.sent;
    run.window.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    if (result.status >= 200 && result.status < 300) {
      ++run.window.ok;
    } else {
      ++run.window.failed;
      ++run.failed_total;
    }
  }
}

void write_window(Run& run) {
  auto& w = run.window;
  const auto delivered = run.delivered.load();
  std::fprintf(run.report, "minute=%d sent=%llu ok=%llu failed=%llu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f delivered=%llu\n",
               ++run.minute, static_cast<unsigned long long>(w.sent), static_cast<unsigned long long>(w.ok),
               static_cast<unsigned long long>(w.failed), percentile(w.latencies_ms, 0.50),
               percentile(w.latencies_ms, 0.99), percentile(w.latencies_ms, 1.0),
               static_cast<unsigned long long>(delivered - run.delivered_reported));
  std::fflush(run.report);
  run.delivered_reported = delivered;
  w = Window{};
}

// Closes a window every interval but the last, which closes once every request has its answer.
net::awaitable<void> reporter(Run& run) {
  for (auto next = run.start + run.options.interval; next < run.end; next += run.options.interval) {
    co_await sleep_until(next);
    write_window(run);
  }
}

}  // namespace

int run_soak(const SoakOptions& o) {
  if (o.connections < 1 || o.rate <= 0 || o.interval.count() <= 0) throw std::invalid_argument("bad soak options");
  Run run{o, Clock::now() + std::chrono::milliseconds(20), {}, {}};
  run.end = run.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  run.report = std::fopen(o.report.c_str(), "w");
  if (!run.report) throw std::runtime_error("cannot write " + o.report);
  BenchHttpServer sink(o.sink_port, 1, [&run](const SinkRequest&) {
    ++run.delivered;
    return SinkReply{};
  });
  net::io_context ioc(1);
  auto rethrow = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  };
  for (int i = 0; i < o.connections; ++i) net::co_spawn(ioc, connection(run, i), rethrow);
  net::co_spawn(ioc, reporter(run), rethrow);
  ioc.run();
  write_window(run);
  std::fclose(run.report);
  return run.failed_total == 0 ? 0 : 1;
}

}  // namespace slwd::bench
