#pragma once
// SPEC §6 outcome of one HTTP attempt, shared by every handler that talks HTTP.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "slwd/handlers/handler.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::handlers {

// 2xx -> success; 408, 429, 5xx, timeout, transport error -> retryable (with the Retry-After
// header's delay when the answer has one); anything else (1xx, 3xx, other 4xx) -> permanent.
// `timeout` only words the error text; `now_ms` (system clock) anchors a Retry-After date.
Outcome outcome_of(const outbound::HttpResponse& response, std::chrono::milliseconds timeout,
                   std::int64_t now_ms);

// At most `max_bytes` of `body` on one line for an error text: control characters become
// spaces, a UTF-8 sequence is never cut, invalid bytes become '?'.
std::string one_line_snippet(std::string_view body, std::size_t max_bytes = 200);

}  // namespace slwd::handlers
