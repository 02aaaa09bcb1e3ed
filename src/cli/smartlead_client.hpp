#pragma once
// The SmartLead API client of `smartlead webhooks ...`: JSON over the project's libcurl client
// (TLS verified, proxies from the environment), `api_key` as a query parameter, every attempt
// through the shared rate limiter, 429/5xx retried with Retry-After honoured, and failures
// turned into one-line errors that never contain the key.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "slwd/outbound/http_client.hpp"
#include "smartlead_rate_limiter.hpp"
#include "smartlead_url.hpp"

namespace slwd::cli {

inline constexpr const char* kSmartleadBaseUrl = "https://server.smartlead.ai/api/v1";

// A failure talking to SmartLead; what() is the one line to print (key already removed).
class SmartleadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ApiCall {
  std::string method;     // GET POST PUT DELETE
  std::string path;       // below the base URL, e.g. "/webhook/create"
  QueryParams query;      // api_key is added by the client
  std::optional<nlohmann::json> body;
  std::string what;       // names the resource for "not found: <what>", e.g. "webhook 12"
};

struct SmartleadSettings {
  std::string base_url = kSmartleadBaseUrl;
  std::string api_key;
  std::string rate_state_path;  // see SmartleadRateLimiter; empty = this process only
  int max_attempts = 4;          // every attempt counts, the first included
  std::chrono::milliseconds initial_backoff{500};  // doubled per retry when no Retry-After
  std::chrono::milliseconds max_retry_after{60000};  // a longer Retry-After fails at once
  std::chrono::milliseconds attempt_timeout{30000};
};

class SmartleadClient {
 public:
  explicit SmartleadClient(SmartleadSettings settings);

  // The answer's JSON (an empty 2xx body is {}, a non-JSON one its text as a JSON string).
  // Throws SmartleadError.
  nlohmann::json call(const ApiCall& call);

 private:
  outbound::HttpResponse send_once(const outbound::HttpRequest& request);
  [[noreturn]] void fail(const ApiCall& call, const outbound::HttpResponse& response,
                         int attempts) const;

  SmartleadSettings settings_;
  outbound::HttpClient http_;
  SmartleadRateLimiter limiter_;
};

// SmartLead's own explanation in an error answer: `message`, else `error` (a string or an
// object with a message), else the body's first line; empty when there is nothing.
std::string smartlead_error_text(const std::string& body);

}  // namespace slwd::cli
