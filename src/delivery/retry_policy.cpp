#include "slwd/delivery/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace slwd::delivery {

namespace {
constexpr std::int64_t kMaxRetryAfterMs = 3600 * 1000;  // SPEC §6: honoured up to 1 h
}

std::int64_t backoff_ms(const config::RetryConfig& retry, int failed_attempts, double unit_random) {
  const double cap = static_cast<double>(retry.max.count());
  double base = static_cast<double>(retry.initial.count()) *
                std::pow(retry.multiplier, std::max(0, failed_attempts - 1));
  double delay = std::min(cap, base);  // also tames inf from a huge exponent
  if (retry.jitter) delay *= std::clamp(unit_random, 0.0, 1.0);
  return static_cast<std::int64_t>(delay);
}

std::int64_t next_delay_ms(const config::RetryConfig& retry, int failed_attempts,
                           double unit_random, std::optional<std::int64_t> retry_after_ms) {
  std::int64_t delay = backoff_ms(retry, failed_attempts, unit_random);
  if (retry_after_ms) delay = std::max(delay, std::clamp<std::int64_t>(*retry_after_ms, 0, kMaxRetryAfterMs));
  return delay;
}

}  // namespace slwd::delivery
