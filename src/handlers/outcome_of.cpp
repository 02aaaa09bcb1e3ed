#include "outcome_of.hpp"

#include "slwd/outbound/retry_after.hpp"
#include "utf8.hpp"

namespace slwd::handlers {
namespace {

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

}  // namespace

std::string one_line_snippet(std::string_view body, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < body.size()) {
    const std::size_t n = utf8_sequence_length(body, i);
    if (n == 0) {
      if (out.size() + 1 > max_bytes) break;
      out += '?';
      ++i;
      continue;
    }
    if (out.size() + n > max_bytes) break;
    const auto c = static_cast<unsigned char>(body[i]);
    if (n == 1 && (c < 0x20 || c == 0x7F)) {
      out += ' ';
    } else {
      out.append(body.substr(i, n));
    }
    i += n;
  }
  // Trailing blanks (a body ending in "\n") say nothing.
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Outcome outcome_of(const outbound::HttpResponse& response, std::chrono::milliseconds timeout,
                   std::int64_t now_ms) {
  if (response.timed_out) {
    return Outcome{OutcomeKind::retryable,
                   "timeout after " + std::to_string(timeout.count()) + " ms", std::nullopt};
  }
  if (!response.error.empty() || response.status == 0) {
    return Outcome{OutcomeKind::retryable,
                   response.error.empty() ? "no HTTP answer" : response.error, std::nullopt};
  }
  const long status = response.status;
  if (status >= 200 && status <= 299) return Outcome{};

  std::string error = "HTTP " + std::to_string(status);
  const std::string snippet = one_line_snippet(response.body);
  if (!snippet.empty()) error += ": " + snippet;
  if (status >= 300 && status <= 399) error += " (redirects are not followed)";

  if (!is_retryable_status(status)) return Outcome{OutcomeKind::permanent, error, std::nullopt};
  Outcome out{OutcomeKind::retryable, error, std::nullopt};
  if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
    out.retry_after_ms = outbound::parse_retry_after(it->second, now_ms);
  }
  return out;
}

}  // namespace slwd::handlers
