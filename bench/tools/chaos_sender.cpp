#include "chaos_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

#include "bench_client.hpp"
#include "bench_events.hpp"
#include "slwd/events/event.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::bench {
namespace {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

struct Totals {
  std::uint64_t sent = 0, acked = 0, refused = 0, abandoned = 0, retries = 0;
  std::map<std::string, std::uint64_t> failures;  // "503", "timeout", "error" -> attempts
};

class Journal {
 public:
  explicit Journal(const std::string& path) : file_(std::fopen(path.c_str(), "w")) {
    if (!file_) throw std::runtime_error("cannot write " + path);
  }
  ~Journal() { std::fclose(file_); }
  void line(char kind, const std::string& id, const std::string& extra = {}) {
    std::fprintf(file_, "%c %s%s%s\n", kind, id.c_str(), extra.empty() ? "" : " ", extra.c_str());
  }

 private:
  std::FILE* file_;
};

net::awaitable<void> sleep_until(Clock::time_point when) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_at(when);
  co_await timer.async_wait(net::use_awaitable);
}

// One connection (per daemon) of the sender; ids strictly one after another on it.
net::awaitable<void> connection(const ChaosSenderOptions& o, int index, Clock::time_point start,
                                Journal& journal, Totals& totals) {
  auto executor = co_await net::this_coro::executor;
  std::vector<std::unique_ptr<PostConnection>> to;
  for (const auto& url : o.urls) to.push_back(std::make_unique<PostConnection>(executor, parse_http_url(url)));
  const auto& types = events::known_event_types();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(static_cast<double>(o.connections) / o.rate));
  // Staggered starts: the connections' sends interleave instead of arriving in bursts.
  auto next = start + interval * index / o.connections;
  for (std::uint64_t n = 0;; ++n) {
    // Behind schedule (retries took the time): start the next id now, without catching up in a
    // burst — SmartLead's own pace does not speed up after a failure.
    next = std::max(next, Clock::now());
    if (next >= end) break;
    co_await sleep_until(next);
    next += interval;
    const std::string id = o.id_prefix + "-" + std::to_string(index) + "-" + std::to_string(n);
    const auto type = std::string(types[(static_cast<std::size_t>(index) + n) % types.size()]);
    const std::string body = unique_event_body(type, id);
    const std::string signature = security::signature_header(o.secret, body);
    journal.line('S', id, type);
    ++totals.sent;
    for (std::size_t attempt = 0;; ++attempt) {
      auto& target = *to[(static_cast<std::size_t>(index) + attempt) % to.size()];
      const auto result = co_await target.post(body, signature, id, o.timeout);
      if (result.status >= 200 && result.status < 300) {
        journal.line('A', id, std::to_string(result.status));
        ++totals.acked;
        break;
      }
      if (result.status >= 400 && result.status < 500) {
        journal.line('R', id, std::to_string(result.status));
        ++totals.refused;
        break;
      }
      ++totals.failures[result.status ? std::to_string(result.status)
                                      : (result.timed_out ? "timeout" : "error")];
      if (attempt >= o.backoff.size()) {
        journal.line('X', id);
        ++totals.abandoned;
        break;
      }
      ++totals.retries;
      co_await sleep_until(Clock::now() + o.backoff[attempt]);
    }
  }
}

}  // namespace

int run_chaos_sender(const ChaosSenderOptions& o) {
  if (o.urls.empty() || o.connections < 1 || o.rate <= 0) throw std::invalid_argument("bad sender options");
  Journal journal(o.journal);
  Totals totals;
  net::io_context ioc(1);
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  for (int i = 0; i < o.connections; ++i) {
    net::co_spawn(ioc, connection(o, i, start, journal, totals), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
  ioc.run();
  std::string failures;
  for (const auto& [what, count] : totals.failures) {
    failures += " " + what + "=" + std::to_string(count);
  }
  std::printf("sender: sent=%llu acked=%llu refused=%llu abandoned=%llu retries=%llu failed_attempts:%s\n",
              static_cast<unsigned long long>(totals.sent), static_cast<unsigned long long>(totals.acked),
              static_cast<unsigned long long>(totals.refused),
              static_cast<unsigned long long>(totals.abandoned),
              static_cast<unsigned long long>(totals.retries), failures.empty() ? " none" : failures.c_str());
  return 0;
}

}  // namespace slwd::bench
