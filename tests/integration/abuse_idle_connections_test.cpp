// 5,000 idle connections (issue #8 item 4) do not stop a new client from being served. Half
// never send a byte, half sent one keep-alive request and then idle. The daemon is started with
// the usual 1024 soft open-file limit and must raise it itself (src/ops/fd_limit.cpp).
#include <sys/resource.h>

#include <thread>

#include "abuse_support.hpp"

namespace slwd::testing {
namespace {

using namespace abuse;

constexpr std::size_t kIdle = 5000;
// This process holds kIdle sockets plus its own files, pipes and the harness's connections.
constexpr rlim_t kTestProcessMargin = 200;

TEST(AbuseIdleConnections, FiveThousandIdleConnectionsDoNotStopANewClient) {
  const rlim_t limit = raise_open_file_limit();
  ASSERT_GE(limit, kIdle + kTestProcessMargin)
      << "RLIMIT_NOFILE hard limit is " << limit << ": this test needs "
      << kIdle + kTestProcessMargin << " descriptors (run with `ulimit -Hn` of at least that, "
      << "e.g. docker run --ulimit nofile=1024:1048576)";

  TempDir dir;
  Daemon daemon(dir, config("  header_timeout: 120s\n  idle_timeout: 120s\n"));
  // The daemon inherits the soft limit of a shell or service manager, not ours: start it at 1024.
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  rlimit low = lim;
  low.rlim_cur = std::min<rlim_t>(1024, lim.rlim_max);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  daemon.start();
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lim), 0);
  ASSERT_TRUE(eventually([&] { return daemon.log().find("\"open file limit\"") != std::string::npos; }));
  EXPECT_NE(daemon.log().find("\"soft\":\"" + std::to_string(lim.rlim_max) + "\""), std::string::npos)
      << daemon.log();

  std::vector<std::unique_ptr<RawConnection>> silent, kept_alive;
  for (std::size_t i = 0; i < kIdle / 2; ++i) silent.push_back(std::make_unique<RawConnection>(daemon.port()));
  // One request each, all sent before any answer is read, then left open.
  for (std::size_t i = 0; i < kIdle / 2; ++i) {
    kept_alive.push_back(std::make_unique<RawConnection>(daemon.port()));
    kept_alive.back()->send(signed_request("idle-" + std::to_string(i)));
  }
  std::size_t answered = 0;
  for (auto& c : kept_alive) {
    auto r = c->read_responses(1, std::chrono::seconds(30));
    answered += r.size() == 1 && r[0].status == 200;
  }
  EXPECT_EQ(answered, kIdle / 2) << "every keep-alive connection was accepted and answered";

  // All 5,000 are open and idle: a new client is served at once.
  auto started = std::chrono::steady_clock::now();
  auto fresh = post_signed(daemon.port(), sample_reply_body("newcomer"), kSecret, "newcomer");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(fresh.status, 200u);
  EXPECT_LT(took, std::chrono::seconds(3));
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/healthz", "").status, 200u);

  // The idle ones were not dropped to make room: the last silent one and a kept-alive one still
  // get answers on their own connections.
  silent.back()->send(signed_request("late-silent"));
  auto late = silent.back()->read_responses(1, std::chrono::seconds(10));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].status, 200u);
  kept_alive.front()->send(signed_request("late-kept"));
  auto again = kept_alive.front()->read_responses(1, std::chrono::seconds(10));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].status, 200u);
  // and no accept ever failed for want of descriptors
  EXPECT_EQ(daemon.log().find("accept failed"), std::string::npos);
}

// Out of descriptors, accept fails with EMFILE while the connection stays queued: the listener
// must back off (one warning, a few retries a second), not spin a core writing a log line per
// failure, and serve again once descriptors free up.
TEST(AbuseIdleConnections, OutOfDescriptorsTheListenerBacksOffAndRecovers) {
  TempDir dir;
  Daemon daemon(dir, config(""));
  daemon.start();
  // The daemon raised its soft limit at startup; lower it again from outside (soft only, so it
  // can be given back without privileges).
  auto lowered = run_program({"prlimit", "--pid", std::to_string(daemon.pid()), "--nofile=48:"});
  ASSERT_EQ(lowered.exit_code, 0) << lowered.err;

  std::vector<std::unique_ptr<RawConnection>> hogs;
  for (int i = 0; i < 80; ++i) hogs.push_back(std::make_unique<RawConnection>(daemon.port()));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto log = daemon.log();
  std::size_t warnings = 0;
  for (auto at = log.find("accept failed"); at != std::string::npos; at = log.find("accept failed", at + 1)) {
    ++warnings;
  }
  EXPECT_GE(warnings, 1u) << "the test never ran the daemon out of descriptors";
  EXPECT_LE(warnings, 2u) << "one warning per run of failures, not one per retry";

  hogs.clear();  // descriptors free up: queued and new clients are served again
  auto restored = run_program({"prlimit", "--pid", std::to_string(daemon.pid()), "--nofile=4096:"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_TRUE(eventually([&] {
    return post_signed(daemon.port(), sample_reply_body("after-emfile"), kSecret, "after-emfile").status == 200;
  }, std::chrono::seconds(10)));
}

}  // namespace
}  // namespace slwd::testing
