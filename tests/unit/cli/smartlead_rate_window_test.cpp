// The bookkeeping behind SmartLead's "10 requests per 2 s" (src/cli/smartlead_rate_window.hpp),
// driven with our own clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../../../src/cli/smartlead_rate_window.hpp"

namespace slwd::cli {
namespace {

constexpr auto kSpan = RateWindow::kWindowMs + RateWindow::kMarginMs;

TEST(SmartleadRateWindow, TenAtOnceThenWaitsForTheFirstAnswerPlusTwoSeconds) {
  RateWindow w;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(w.try_admit("p:" + std::to_string(i), 1000), 0) << i;
  // all in flight: poll shortly
  auto wait = w.try_admit("p:10", 1000);
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 50);
  w.finish("p:0", 1100);
  for (int i = 1; i < 10; ++i) w.finish("p:" + std::to_string(i), 1200);
  EXPECT_EQ(w.try_admit("p:10", 1150), 1100 + kSpan - 1150);
  EXPECT_EQ(w.try_admit("p:10", 1100 + kSpan - 1), 1);
  EXPECT_EQ(w.try_admit("p:10", 1100 + kSpan), 0);
  EXPECT_GT(w.try_admit("p:11", 1100 + kSpan), 0);  // the other nine are still counted
}

TEST(SmartleadRateWindow, SlotsStartCountingFromTheAnswerNotTheSend) {
  RateWindow w;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(w.try_admit(std::to_string(i), 0), 0);
  // a slow first request answered at 5 s keeps its slot until 7 s + margin
  for (int i = 1; i < 10; ++i) w.finish(std::to_string(i), 10);
  w.finish("0", 5000);
  for (int i = 0; i < 9; ++i) ASSERT_EQ(w.try_admit("a" + std::to_string(i), 10 + kSpan), 0);
  for (int i = 0; i < 9; ++i) w.finish("a" + std::to_string(i), 6000);
  EXPECT_EQ(w.try_admit("b", 5000 + kSpan - 1), 1);
  EXPECT_EQ(w.try_admit("b", 5000 + kSpan), 0);
}

// Property: whatever the latencies, requests admitted by the window arrive (anywhere between
// their send and their answer) never more than 10 in any 2 s.
TEST(SmartleadRateWindow, AnyArrivalBetweenSendAndAnswerKeepsTheLimit) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> latency(0, 900), pick(0, 100);
  for (int round = 0; round < 20; ++round) {
    RateWindow w;
    struct Flight {
      std::string owner;
      std::int64_t sent, answer;
    };
    std::vector<Flight> flying;
    std::vector<std::int64_t> arrivals;
    std::int64_t now = 0;
    int n = 0;
    while (arrivals.size() + flying.size() < 60) {
      // answers that are due
      for (auto it = flying.begin(); it != flying.end();) {
        if (it->answer <= now) {
          const auto lo = it->sent, hi = it->answer;
          arrivals.push_back(lo + (hi > lo ? pick(rng) % (hi - lo + 1) : 0));
          w.finish(it->owner, now);
          it = flying.erase(it);
        } else {
          ++it;
        }
      }
      const std::string owner = "o" + std::to_string(n);
      if (w.try_admit(owner, now) == 0) {
        flying.push_back({owner, now, now + latency(rng)});
        ++n;
      }
      now += 1 + pick(rng) % 20;
    }
    for (auto& f : flying) arrivals.push_back(f.sent);
    std::sort(arrivals.begin(), arrivals.end());
    for (std::size_t i = 0; i + 10 < arrivals.size(); ++i) {
      EXPECT_GE(arrivals[i + 10] - arrivals[i], RateWindow::kWindowMs) << "round " << round;
    }
  }
}

TEST(SmartleadRateWindow, DeadOwnersAndStaleSlotsStopBlocking) {
  RateWindow w;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(w.try_admit("dead:" + std::to_string(i), 0), 0);
  EXPECT_GT(w.try_admit("me:1", 100), 0);
  w.finish_abandoned([](std::string_view owner) { return owner.rfind("dead:", 0) != 0; }, 100);
  EXPECT_GT(w.try_admit("me:1", 100 + kSpan - 1), 0);
  EXPECT_EQ(w.try_admit("me:1", 100 + kSpan), 0);

  RateWindow stale;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(stale.try_admit(std::to_string(i), 0), 0);
  EXPECT_EQ(stale.try_admit("x", RateWindow::kStaleInFlightMs), 0);
}

TEST(SmartleadRateWindow, SurvivesTheTripThroughTheStateFile) {
  RateWindow w;
  ASSERT_EQ(w.try_admit("12:1", 5), 0);
  ASSERT_EQ(w.try_admit("12:2", 6), 0);
  w.finish("12:1", 9);
  auto copy = RateWindow::parse(w.serialize() + "garbage line\n\n");
  ASSERT_EQ(copy.slots().size(), 2u);
  EXPECT_EQ(copy.slots()[0].owner, "12:1");
  EXPECT_EQ(copy.slots()[0].end_ms, 9);
  EXPECT_EQ(copy.slots()[1].end_ms, -1);
}

}  // namespace
}  // namespace slwd::cli
