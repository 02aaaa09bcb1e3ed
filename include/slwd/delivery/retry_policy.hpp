#pragma once
// SPEC §6 retry schedule: attempt n (1-based) failed -> wait min(max, initial * multiplier^(n-1)),
// with full jitter (uniform in [0, that]) when enabled, never less than Retry-After.
#include <cstdint>
#include <optional>
#include <string_view>

#include "slwd/config/config.hpp"

namespace slwd::delivery {

// `unit_random` in [0, 1): injected so tests pin the jitter.
std::int64_t backoff_ms(const config::RetryConfig& retry, int failed_attempts, double unit_random);

// Delay before the next attempt, honouring a Retry-After floor (capped at one hour).
std::int64_t next_delay_ms(const config::RetryConfig& retry, int failed_attempts,
                           double unit_random, std::optional<std::int64_t> retry_after_ms);

}  // namespace slwd::delivery
