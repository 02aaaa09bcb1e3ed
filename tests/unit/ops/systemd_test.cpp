#include "slwd/ops/systemd.hpp"

#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "support/notify_listener.hpp"

namespace slwd::ops {
namespace {

using namespace std::chrono_literals;
using test::NotifyListener;

// The variables sd_notify and sd_watchdog_enabled read, restored after each test so the tests
// stay independent when the whole binary runs in one process.
class SystemdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.push_back(v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (saved_[i])
        ::setenv(kNames[i], saved_[i]->c_str(), 1);
      else
        ::unsetenv(kNames[i]);
    }
  }
  void point_at(const NotifyListener& listener) {
    ::setenv("NOTIFY_SOCKET", listener.path().c_str(), 1);
  }
  static void watchdog_env(const std::string& usec, pid_t pid) {
    ::setenv("WATCHDOG_USEC", usec.c_str(), 1);
    ::setenv("WATCHDOG_PID", std::to_string(pid).c_str(), 1);
  }

  static constexpr std::array<const char*, 3> kNames = {"NOTIFY_SOCKET", "WATCHDOG_USEC",
                                                        "WATCHDOG_PID"};
  std::vector<std::optional<std::string>> saved_;
};

TEST_F(SystemdTest, WithoutNotifySocketEverythingIsANoOp) {
  watchdog_env("200000", ::getpid());
  Systemd systemd;
  EXPECT_FALSE(systemd.notifying());
  EXPECT_FALSE(systemd.notify("READY=1"));
  systemd.ready("x");
  systemd.reloading();
  systemd.stopping();
  systemd.start_watchdog();  // no socket: no thread either
  systemd.stop_watchdog();
}

TEST_F(SystemdTest, ReadyArrivesWithItsStatusFromThisProcess) {
  NotifyListener listener;
  point_at(listener);
  Systemd systemd;
  EXPECT_TRUE(systemd.notifying());
  systemd.ready("listening on port 8080, admin port 9090");
  auto m = listener.next(2s);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->has("READY=1")) << m->text;
  EXPECT_EQ(m->fields["STATUS"], "listening on port 8080, admin port 9090");
  EXPECT_EQ(m->sender, ::getpid());
}

TEST_F(SystemdTest, ReloadingCarriesTheMonotonicClockThenReadyFollows) {
  NotifyListener listener;
  point_at(listener);
  Systemd systemd;
  timespec before{};
  ::clock_gettime(CLOCK_MONOTONIC, &before);
  systemd.reloading();
  systemd.ready("reloaded");
  auto reloading = listener.next(2s);
  ASSERT_TRUE(reloading);
  EXPECT_TRUE(reloading->has("RELOADING=1")) << reloading->text;
  ASSERT_TRUE(reloading->fields.count("MONOTONIC_USEC"));
  auto usec = std::stoll(reloading->fields["MONOTONIC_USEC"]);
  auto before_usec = static_cast<long long>(before.tv_sec) * 1'000'000 + before.tv_nsec / 1000;
  EXPECT_GE(usec, before_usec);
  EXPECT_LT(usec - before_usec, 5'000'000);
  auto ready = listener.next(2s);
  ASSERT_TRUE(ready);
  EXPECT_TRUE(ready->has("READY=1")) << ready->text;
}

TEST_F(SystemdTest, StoppingIsSent) {
  NotifyListener listener;
  point_at(listener);
  Systemd systemd;
  systemd.stopping();
  auto m = listener.next(2s);
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->has("STOPPING=1")) << m->text;
  EXPECT_FALSE(m->has("READY"));
}

TEST_F(SystemdTest, AStatusCannotSmuggleInAnotherAssignment) {
  NotifyListener listener;
  point_at(listener);
  Systemd systemd;
  systemd.ready("bad\nSTOPPING=1");
  auto m = listener.next(2s);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->has("STOPPING")) << m->text;
  EXPECT_EQ(m->fields["STATUS"], "bad STOPPING=1");
}

TEST_F(SystemdTest, WatchdogPingsEveryHalfOfWatchdogUsec) {
  NotifyListener listener;
  point_at(listener);
  watchdog_env("200000", ::getpid());  // WatchdogSec=200ms -> a ping every 100 ms
  Systemd systemd;
  EXPECT_EQ(systemd.watchdog_interval(), 100ms);
  systemd.start_watchdog();
  auto first = listener.next_with("WATCHDOG=1", 2s);
  ASSERT_TRUE(first);
  auto second = listener.next_with("WATCHDOG=1", 2s);
  auto third = listener.next_with("WATCHDOG=1", 2s);
  ASSERT_TRUE(second && third);
  auto gap = third->arrived - first->arrived;
  EXPECT_GE(gap, 150ms);  // two intervals, minus scheduling slack
  EXPECT_LT(gap, 1500ms);
  systemd.stop_watchdog();
  auto pings = listener.count("WATCHDOG=1");
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(listener.count("WATCHDOG=1"), pings) << "pings went on after stop_watchdog()";
}

TEST_F(SystemdTest, WatchdogMeantForAnotherProcessIsLeftAlone) {
  NotifyListener listener;
  point_at(listener);
  watchdog_env("200000", ::getppid());  // systemd set it for our parent, we merely inherited it
  Systemd systemd;
  EXPECT_EQ(systemd.watchdog_interval(), 0us);
  systemd.start_watchdog();
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(listener.count("WATCHDOG=1"), 0u);
}

TEST_F(SystemdTest, WatchdogWithoutPidIsOurs) {
  // libsystemd treats an absent WATCHDOG_PID as "for whoever reads it": the integration test
  // relies on this, as the daemon's pid is unknown before it is spawned.
  NotifyListener listener;
  point_at(listener);
  ::setenv("WATCHDOG_USEC", "400000", 1);
  Systemd systemd;
  EXPECT_EQ(systemd.watchdog_interval(), 200ms);
}

TEST_F(SystemdTest, NoWatchdogWithoutWatchdogUsec) {
  NotifyListener listener;
  point_at(listener);
  Systemd systemd;
  EXPECT_EQ(systemd.watchdog_interval(), 0us);
  systemd.start_watchdog();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(listener.count("WATCHDOG=1"), 0u);
}

TEST_F(SystemdTest, WatchdogStopsPingingWhileTheIoProbeIsNotRun) {
  NotifyListener listener;
  point_at(listener);
  watchdog_env("100000", ::getpid());  // a tick every 50 ms
  Systemd systemd;
  std::mutex mutex;
  std::vector<std::function<void()>> queued;  // an "io_context" whose threads are wedged
  systemd.start_watchdog([&](std::function<void()> probe) {
    std::lock_guard lock(mutex);
    queued.push_back(std::move(probe));
  });
  ASSERT_TRUE(listener.next_with("WATCHDOG=1", 2s));  // the first tick pings and posts a probe
  std::this_thread::sleep_for(400ms);                 // ~8 ticks, the probe never runs
  EXPECT_EQ(listener.count("WATCHDOG=1"), 1u);
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(queued.size(), 1u) << "a probe is posted only once the previous one ran";
    queued.front()();  // the io threads recover
  }
  EXPECT_TRUE(listener.next_with("WATCHDOG=1", 2s)) << "pings resume once the probe ran";
  systemd.stop_watchdog();
}

TEST_F(SystemdTest, ASocketNobodyListensOnIsReportedNotThrown) {
  ::setenv("NOTIFY_SOCKET", "/nonexistent/slwd-notify.sock", 1);
  Systemd systemd;
  EXPECT_TRUE(systemd.notifying());
  EXPECT_FALSE(systemd.notify("READY=1"));
  systemd.stopping();
}

}  // namespace
}  // namespace slwd::ops
