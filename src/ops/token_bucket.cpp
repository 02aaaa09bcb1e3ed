#include "slwd/ops/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace slwd::ops {

TokenBucket::TokenBucket(double per_second, double burst, std::int64_t now_ms)
    : per_ms_(per_second / 1000.0), burst_(burst), tokens_(burst), last_ms_(now_ms) {}

void TokenBucket::refill(std::int64_t now_ms) {
  if (now_ms > last_ms_) {  // a clock stepping back never mints tokens
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
    last_ms_ = now_ms;
  }
}

std::size_t TokenBucket::available(std::int64_t now_ms) {
  refill(now_ms);
  return static_cast<std::size_t>(std::floor(tokens_ + 1e-9));
}

void TokenBucket::take(std::size_t n, std::int64_t now_ms) {
  refill(now_ms);
  tokens_ = std::max(0.0, tokens_ - static_cast<double>(n));
}

std::int64_t TokenBucket::wait_ms(std::int64_t now_ms) {
  refill(now_ms);
  if (tokens_ + 1e-9 >= 1.0) return 0;
  return static_cast<std::int64_t>(std::ceil((1.0 - tokens_) / per_ms_));
}

}  // namespace slwd::ops
