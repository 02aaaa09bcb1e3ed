// Slowloris (issue #8 item 4): clients that trickle a head or a body one byte a second are cut
// off at header_timeout / body_timeout (no answer: SPEC §4 names none for a request that never
// arrived, docs/decisions.md "Timeouts"), while a well-behaved client keeps being answered fast.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "abuse_support.hpp"

namespace slwd::testing {
namespace {

using namespace abuse;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kHeaderTimeout = std::chrono::seconds(2);
constexpr auto kBodyTimeout = std::chrono::seconds(3);
constexpr int kSlowHeads = 100;
constexpr int kSlowBodies = 100;

// A connection that sends `script` one byte per tick and notes when the peer closed it.
struct SlowClient {
  int fd = -1;
  std::string script;
  std::size_t sent = 0;
  Clock::time_point timer_start;  // from when its timeout counts
  std::optional<Clock::time_point> closed_at;
  std::string received;

  SlowClient(std::uint16_t port, std::string bytes) : script(std::move(bytes)) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      throw std::runtime_error("connect failed");
    }
    timer_start = Clock::now();
  }
  ~SlowClient() {
    if (fd >= 0) ::close(fd);
  }
  SlowClient(const SlowClient&) = delete;

  void send_bytes(std::size_t n) {
    if (closed_at) return;
    n = std::min(n, script.size() - sent);
    if (n == 0) return;
    if (::send(fd, script.data() + sent, n, MSG_NOSIGNAL) != static_cast<ssize_t>(n)) {
      closed_at = Clock::now();
      return;
    }
    sent += n;
  }
  // Reads what is there; notes EOF or reset.
  void poll_closed() {
    if (closed_at) return;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      received.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      closed_at = Clock::now();
    }
  }
};

TEST(AbuseSlowloris, TricklingHeadsAndBodiesAreCutAtTheirTimeoutsWhileOthersAreServedFast) {
  TempDir dir;
  Daemon daemon(dir, config("  header_timeout: 2s\n  body_timeout: 3s\n  idle_timeout: 30s\n"));
  daemon.start();

  // Heads that never end: a request line, then one header byte a second.
  std::vector<std::unique_ptr<SlowClient>> heads, bodies;
  for (int i = 0; i < kSlowHeads; ++i) {
    heads.push_back(std::make_unique<SlowClient>(
        daemon.port(), "POST /webhooks/smartlead HTTP/1.1\r\nX-Slow: " + std::string(100, 'a')));
    heads.back()->send_bytes(35);  // the request line and the start of a header at once
  }
  // Complete heads announcing 1000 bytes, then the body one byte a second.
  for (int i = 0; i < kSlowBodies; ++i) {
    std::string body(1000, 'b');
    std::string head = "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nX-Request-Id: slow-body-" +
                       std::to_string(i) + "\r\nX-Smartlead-Signature: " + sign(kSecret, body) +
                       "\r\nContent-Length: 1000\r\n\r\n";
    bodies.push_back(std::make_unique<SlowClient>(daemon.port(), head + body));
    bodies.back()->send_bytes(head.size());
    bodies.back()->timer_start = Clock::now();  // body_timeout counts from the end of the head
  }

  // A well-behaved client, on fresh connections, for as long as the attack lasts.
  std::atomic<bool> attack_over{false};
  std::vector<milliseconds> latencies;
  std::vector<unsigned> statuses;
  std::thread steady([&] {
    for (int i = 0; !attack_over; ++i) {
      std::string id = "steady-" + std::to_string(i);
      auto started = Clock::now();
      auto r = post_signed(daemon.port(), sample_reply_body(id), kSecret, id);
      latencies.push_back(std::chrono::duration_cast<milliseconds>(Clock::now() - started));
      statuses.push_back(r.status);
      std::this_thread::sleep_for(milliseconds(20));
    }
  });

  auto attack_started = Clock::now();
  auto next_tick = attack_started + std::chrono::seconds(1);
  while (Clock::now() - attack_started < kBodyTimeout + std::chrono::seconds(3)) {
    for (auto* group : {&heads, &bodies}) {
      for (auto& c : *group) c->poll_closed();
    }
    if (Clock::now() >= next_tick) {
      for (auto* group : {&heads, &bodies}) {
        for (auto& c : *group) c->send_bytes(1);
      }
      next_tick += std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  attack_over = true;
  steady.join();

  auto check = [](const std::vector<std::unique_ptr<SlowClient>>& group, std::chrono::seconds timeout,
                  const char* what) {
    for (std::size_t i = 0; i < group.size(); ++i) {
      const auto& c = *group[i];
      ASSERT_TRUE(c.closed_at) << what << " " << i << " was never closed";
      auto after = std::chrono::duration_cast<milliseconds>(*c.closed_at - c.timer_start);
      // at about its timeout: not before it, and not long after
      EXPECT_GE(after, timeout - milliseconds(100)) << what << " " << i;
      EXPECT_LE(after, timeout + milliseconds(1500)) << what << " " << i;
      // closed without an answer: nothing was asked yet
      EXPECT_EQ(c.received, "") << what << " " << i;
    }
  };
  check(heads, kHeaderTimeout, "slow head");
  check(bodies, kBodyTimeout, "slow body");

  ASSERT_GE(latencies.size(), 50u);
  for (unsigned s : statuses) ASSERT_EQ(s, 200u);
  auto p99 = quantile(latencies, 0.99);
  EXPECT_LT(p99, milliseconds(1000)) << "p99 of " << latencies.size() << " requests";
  std::cout << "[ steady ] " << latencies.size() << " requests during the attack, p50 "
            << quantile(latencies, 0.5).count() << " ms, p99 " << p99.count() << " ms, max "
            << quantile(latencies, 1.0).count() << " ms\n";

  // Nothing of the slow bodies was recorded.
  flush_deliveries(daemon, dir, "slowloris-flush");
  for (const auto& id : delivered_ids(dir)) EXPECT_EQ(id.rfind("slow-body-", 0), std::string::npos) << id;
}

}  // namespace
}  // namespace slwd::testing
