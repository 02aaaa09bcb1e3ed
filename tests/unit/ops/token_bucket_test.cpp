#include "slwd/ops/token_bucket.hpp"

#include <gtest/gtest.h>

namespace slwd::ops {
namespace {

TEST(TokenBucket, StartsFullThenRefillsAtTheRate) {
  TokenBucket bucket(1.0, 5.0, 0);  // Slack's default: 1/s, burst 5
  EXPECT_EQ(bucket.available(0), 5u);
  bucket.take(5, 0);
  EXPECT_EQ(bucket.available(0), 0u);
  EXPECT_EQ(bucket.wait_ms(0), 1000);
  EXPECT_EQ(bucket.available(999), 0u);
  EXPECT_EQ(bucket.available(1000), 1u);
  EXPECT_EQ(bucket.wait_ms(1000), 0);
  EXPECT_EQ(bucket.available(60000), 5u);  // never above the burst
}

TEST(TokenBucket, SustainedRateOverAMinuteIsTheConfiguredRate) {
  TokenBucket bucket(9.0, 9.0, 0);
  std::size_t sent = 0;
  for (std::int64_t t = 0; t <= 60000; t += 7) {  // a lane polling every 7 ms
    auto n = bucket.available(t);
    bucket.take(n, t);
    sent += n;
  }
  EXPECT_GE(sent, 9u * 60);
  EXPECT_LE(sent, 9u * 60 + 9);  // the initial burst on top
}

TEST(TokenBucket, AClockSteppingBackMintsNothing) {
  TokenBucket bucket(10.0, 1.0, 5000);
  bucket.take(1, 5000);
  EXPECT_EQ(bucket.available(1000), 0u);
  EXPECT_EQ(bucket.available(5099), 0u);  // 10/s: the next token 100 ms after the last
  EXPECT_EQ(bucket.available(5100), 1u);
}

}  // namespace
}  // namespace slwd::ops
