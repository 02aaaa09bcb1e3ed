#pragma once
// The HTTP client handlers use (DESIGN §2 `outbound`): libcurl, TLS verified against the
// system store, HTTPS_PROXY/NO_PROXY honoured, connect and total timeouts, a bounded response
// body, connections reused between calls. One client is used by one thread at a time.
//
// - Proxies come from the environment, read by libcurl on every request: `https_proxy` /
//   `HTTPS_PROXY` for https URLs, `http_proxy` (lowercase only, by libcurl's rule) for http,
//   `ALL_PROXY` as a fallback, `no_proxy` / `NO_PROXY` for exceptions. Nothing here overrides
//   them.
// - Redirects are not followed: a 3xx is returned as the answer.
// - Only http and https URLs are accepted.
// - A request without a Content-Type header for a body gets libcurl's default
//   (application/x-www-form-urlencoded): callers set their own.
// - The client never logs; its error texts name host and port at most, never a URL's path,
//   query or credentials, nor header values.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace slwd::outbound {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};         // the whole exchange (0 counts as 1 ms)
  std::chrono::milliseconds connect_timeout{5000};  // capped at `timeout`
};

struct HttpResponse {
  long status = 0;                             // 0 when no complete HTTP answer came
  std::map<std::string, std::string> headers;  // names lowercased; last one wins
  std::string body;                            // at most kMaxResponseBody bytes kept
  std::string error;                           // transport failure, empty when an answer came
  bool timed_out = false;
};

inline constexpr std::size_t kMaxResponseBody = 64 * 1024;

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse perform(const HttpRequest& request);
  // Runs the requests concurrently (at most `parallel` at once) on reused connections;
  // responses in the order of `requests`.
  std::vector<HttpResponse> perform_all(const std::vector<HttpRequest>& requests,
                                        std::size_t parallel);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slwd::outbound
