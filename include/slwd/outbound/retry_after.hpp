#pragma once
// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
#include <cstdint>
#include <optional>
#include <string_view>

namespace slwd::outbound {

// Milliseconds from `now_ms` until the time the header names (0 when it is in the past);
// nullopt when the value is neither form.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms);

}  // namespace slwd::outbound
