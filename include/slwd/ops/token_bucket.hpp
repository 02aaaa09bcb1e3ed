#pragma once
// A handler's rate limit (SPEC §6 `rate_limit: {per_second, burst}`): a token bucket that
// starts full, refills continuously at `per_second` up to `burst`. Time is passed in, so tests
// drive it with their own clock. Not thread-safe: one lane owns one bucket.
#include <cstddef>
#include <cstdint>

namespace slwd::ops {

class TokenBucket {
 public:
  TokenBucket(double per_second, double burst, std::int64_t now_ms);

  // Whole tokens available now (what a lane may send without waiting).
  std::size_t available(std::int64_t now_ms);
  // Spends `n` tokens (n <= available()).
  void take(std::size_t n, std::int64_t now_ms);
  // Milliseconds until the next whole token (0 when one is available now).
  std::int64_t wait_ms(std::int64_t now_ms);

 private:
  void refill(std::int64_t now_ms);
  double per_ms_;
  double burst_;
  double tokens_;
  std::int64_t last_ms_;
};

}  // namespace slwd::ops
