#include "slwd/delivery/retry_policy.hpp"

#include <gtest/gtest.h>

namespace slwd::delivery {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

config::RetryConfig retry(bool jitter) {
  config::RetryConfig r;
  r.initial = seconds(1);
  r.multiplier = 4;
  r.max = hours(1);
  r.jitter = jitter;
  return r;
}

TEST(Backoff, GrowsByTheMultiplierUpToTheCapWithoutJitter) {
  auto r = retry(false);
  EXPECT_EQ(backoff_ms(r, 1, 0.5), 1000);
  EXPECT_EQ(backoff_ms(r, 2, 0.5), 4000);
  EXPECT_EQ(backoff_ms(r, 3, 0.5), 16000);
  EXPECT_EQ(backoff_ms(r, 7, 0.5), 3600000);    // 4^6 s > 1 h: capped
  EXPECT_EQ(backoff_ms(r, 500, 0.5), 3600000);  // no overflow for absurd attempt counts
}

TEST(Backoff, FullJitterStaysWithinZeroAndTheCeiling) {
  auto r = retry(true);
  for (int attempt = 1; attempt <= 10; ++attempt) {
    auto ceiling = backoff_ms(retry(false), attempt, 0);
    EXPECT_EQ(backoff_ms(r, attempt, 0.0), 0) << attempt;
    EXPECT_LE(backoff_ms(r, attempt, 0.999999), ceiling) << attempt;
    EXPECT_GE(backoff_ms(r, attempt, 0.999999), ceiling * 99 / 100) << attempt;
    EXPECT_EQ(backoff_ms(r, attempt, 0.5), ceiling / 2) << attempt;
  }
}

TEST(Backoff, RetryAfterIsAFloorCappedAtOneHour) {
  auto r = retry(true);
  EXPECT_EQ(next_delay_ms(r, 1, 0.1, 2000), 2000);      // jittered 100 ms < Retry-After 2 s
  EXPECT_EQ(next_delay_ms(r, 3, 1.0, 2000), 16000);     // backoff already later
  EXPECT_EQ(next_delay_ms(r, 1, 0.0, 86400000), 3600000);
  EXPECT_EQ(next_delay_ms(r, 1, 0.0, std::nullopt), 0);
}

}  // namespace
}  // namespace slwd::delivery
