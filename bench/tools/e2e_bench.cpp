// Benchmark helper for bench/delivery.sh: a fast HTTP sink that counts deliveries, and an
// open-loop sender that posts signed events at a fixed rate and measures, per delivery id, the
// lag from the daemon's 200 to the event's arrival at the sink.
//   e2e_bench sink PORT SECONDS                       count what arrives; print deliveries/s
//   e2e_bench lag  PORT URL SECRET BODY_FILE RATE SECONDS CONNECTIONS
// Loopback only; every loop is bounded by SECONDS (+10 s to drain).
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench_client.hpp"
#include "bench_http_server.hpp"
#include "bench_stats.hpp"
#include "slwd/security/signature.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

using slwd::bench::BenchHttpServer;
using slwd::bench::percentile;
using slwd::bench::SinkReply;
using slwd::bench::SinkRequest;

// Everything the sink saw: arrival time per X-Request-Id (first arrival wins).
struct Arrivals {
  std::mutex mutex;
  std::unordered_map<std::string, Clock::time_point> first;
  std::atomic<std::uint64_t> total{0};
  std::atomic<std::int64_t> first_ns{0}, last_ns{0};

  void add(const std::string& id) {
    auto now = Clock::now();
    auto ns = now.time_since_epoch().count();
    std::int64_t zero = 0;
    first_ns.compare_exchange_strong(zero, ns);
    last_ns = ns;
    ++total;
    std::lock_guard lock(mutex);
    first.emplace(id, now);
  }
};

// A fast sink: answers 200 at once and notes each arrival.
struct Sink {
  Arrivals arrivals;
  BenchHttpServer server;
  explicit Sink(unsigned short port)
      : server(port, 1, [this](const SinkRequest& r) {
          arrivals.add(r.request_id);
          return SinkReply{};
        }) {}
};

int run_sink(unsigned short port, int seconds) {
  Sink sink(port);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  auto n = sink.arrivals.total.load();
  double span = static_cast<double>(sink.arrivals.last_ns - sink.arrivals.first_ns) / 1e9;
  std::printf("delivered=%llu delivered_per_s=%.0f\n", static_cast<unsigned long long>(n),
              span > 0 ? static_cast<double>(n) / span : 0.0);
  return 0;
}

int run_lag(unsigned short port, const std::string& url, const std::string& secret,
            const std::string& body_file, double rate, int seconds, int connections) {
  Sink sink(port);
  std::ifstream in(body_file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  const std::string signature = slwd::security::signature_header(secret, body);
  const auto parsed = slwd::bench::parse_http_url(url);
  const std::string host = parsed.host, dport = std::to_string(parsed.port), target = parsed.path;

  std::mutex acks_mutex;
  std::unordered_map<std::string, Clock::time_point> acks;
  std::atomic<std::uint64_t> non200{0};
  auto start = Clock::now();
  auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> senders;
  for (int c = 0; c < connections; ++c) {
    senders.emplace_back([&, c] {
      net::io_context ioc;
      beast::tcp_stream stream(ioc);
      stream.connect(tcp::resolver(ioc).resolve(host, dport));
      const auto interval = std::chrono::duration<double>(static_cast<double>(connections) / rate);
      auto next = start + std::chrono::duration_cast<Clock::duration>(interval * (static_cast<double>(c) / connections));
      for (std::uint64_t i = 0; Clock::now() < end; ++i) {
        std::this_thread::sleep_until(next);  // open loop: a fixed schedule, not "as fast as acks"
        next += std::chrono::duration_cast<Clock::duration>(interval);
        std::string id = "lag-" + std::to_string(c) + "-" + std::to_string(i);
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, host);
        req.set(http::field::content_type, "application/json");
        req.set("X-Smartlead-Signature", signature);
        req.set("X-Request-Id", id);
        req.body() = body;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        auto acked = Clock::now();
        if (res.result_int() != 200) {
          ++non200;
          continue;
        }
        std::lock_guard lock(acks_mutex);
        acks.emplace(id, acked);
      }
    });
  }
  for (auto& t : senders) t.join();
  // let deliveries drain (bounded)
  auto drain_until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < drain_until) {
    std::size_t arrived = 0;
    {
      std::lock_guard lock(sink.arrivals.mutex);
      for (const auto& [id, _] : acks) arrived += sink.arrivals.first.count(id);
    }
    if (arrived == acks.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::vector<double> lags;
  std::size_t missing = 0;
  {
    std::lock_guard lock(sink.arrivals.mutex);
    for (const auto& [id, acked] : acks) {
      auto it = sink.arrivals.first.find(id);
      if (it == sink.arrivals.first.end()) {
        ++missing;
        continue;
      }
      // an arrival before the ack (delivery raced the 200 on the wire) counts as 0 lag
      lags.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(it->second - acked).count()));
    }
  }
  std::printf("sent_rate=%.0f acked=%zu non200=%llu delivered=%zu missing=%zu lag_p50_ms=%.2f lag_p99_ms=%.2f lag_max_ms=%.2f\n",
              rate, acks.size(), static_cast<unsigned long long>(non200.load()), lags.size(), missing,
              percentile(lags, 0.50), percentile(lags, 0.99), percentile(lags, 1.0));
  return missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() == 3 && a[0] == "sink") return run_sink(static_cast<unsigned short>(std::stoi(a[1])), std::stoi(a[2]));
    if (a.size() == 8 && a[0] == "lag") {
      return run_lag(static_cast<unsigned short>(std::stoi(a[1])), a[2], a[3], a[4], std::stod(a[5]),
                     std::stoi(a[6]), std::stoi(a[7]));
    }
  } catch (const std::exception& e) {
    std::cerr << "e2e_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: e2e_bench sink PORT SECONDS | lag PORT URL SECRET BODY_FILE RATE SECONDS CONNECTIONS\n";
  return 2;
}
