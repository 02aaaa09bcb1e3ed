#include "smartlead_client.hpp"

#include <algorithm>
#include <thread>

#include "slwd/outbound/retry_after.hpp"

namespace slwd::cli {
namespace {

using namespace std::chrono_literals;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string single_line(std::string text, std::size_t max = 300) {
  for (auto& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (text.size() > max) text = text.substr(0, max) + "...";
  return text;
}

bool retryable_status(long status) { return status == 429 || (status >= 500 && status <= 599); }

// A transport failure may hide a request the server did process: only repeat those where
// doing it twice changes nothing.
bool idempotent(const std::string& method) { return method != "POST"; }

// "GET /webhook/12": what we name in errors (never the query, which holds the key).
std::string describe(const ApiCall& call) { return call.method + " " + call.path; }

}  // namespace

std::string smartlead_error_text(const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_discarded()) {
    auto text_of = [](const nlohmann::json& v) -> std::string {
      if (v.is_string()) return v.get<std::string>();
      if (v.is_object() && v.contains("message") && v["message"].is_string()) {
        return v["message"].get<std::string>();
      }
      return {};
    };
    if (parsed.is_object()) {
      for (const char* key : {"message", "error", "msg", "detail"}) {
        if (parsed.contains(key)) {
          if (auto text = text_of(parsed[key]); !text.empty()) return single_line(text);
        }
      }
      if (parsed.contains("errors") && parsed["errors"].is_array() && !parsed["errors"].empty()) {
        if (auto text = text_of(parsed["errors"][0]); !text.empty()) return single_line(text);
      }
    }
    if (parsed.is_string()) return single_line(parsed.get<std::string>());
  }
  return single_line(body.substr(0, body.find('\n')));
}

SmartleadClient::SmartleadClient(SmartleadSettings settings)
    : settings_(std::move(settings)), limiter_(settings_.rate_state_path) {
  settings_.base_url = trim_base_url(settings_.base_url);
}

outbound::HttpResponse SmartleadClient::send_once(const outbound::HttpRequest& request) {
  const std::string ticket = limiter_.acquire();
  // The slot is released (its 2 s start) once the answer is in, also when perform throws.
  struct Release {
    SmartleadRateLimiter& limiter;
    const std::string& ticket;
    ~Release() { limiter.release(ticket); }
  } release{limiter_, ticket};
  return http_.perform(request);
}

void SmartleadClient::fail(const ApiCall& call, const outbound::HttpResponse& response,
                           int attempts) const {
  const long status = response.status;
  const std::string text = smartlead_error_text(response.body);
  std::string message;
  if (status == 401) {
    message = "smartlead: API key rejected (401)";
  } else if (status == 403) {
    message = "smartlead: access denied (403)" + (text.empty() ? "" : ": " + text);
  } else if (status == 404) {
    message = "smartlead: not found: " + (call.what.empty() ? describe(call) : call.what);
  } else if (status == 400 || status == 422) {
    message = "smartlead: " + (text.empty() ? "request refused" : text) + " (" +
              std::to_string(status) + ")";
  } else if (status == 429) {
    message = "smartlead: rate limited (429) on " + describe(call) + " after " +
              std::to_string(attempts) + " attempts";
  } else if (status >= 500) {
    message = "smartlead: server error (" + std::to_string(status) + ") on " + describe(call) +
              " after " + std::to_string(attempts) + " attempts" + (text.empty() ? "" : ": " + text);
  } else {
    message = "smartlead: unexpected answer " + std::to_string(status) + " to " + describe(call);
  }
  throw SmartleadError(redact(message, settings_.api_key));
}

nlohmann::json SmartleadClient::call(const ApiCall& call) {
  QueryParams query{{"api_key", settings_.api_key}};
  query.insert(query.end(), call.query.begin(), call.query.end());

  outbound::HttpRequest request;
  request.method = call.method;
  request.url = settings_.base_url + call.path + query_string(query);
  request.headers.emplace_back("Accept", "application/json");
  if (call.body) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = call.body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  request.timeout = settings_.attempt_timeout;

  outbound::HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    response = send_once(request);
    const bool last = attempt >= settings_.max_attempts;

    if (response.status == 0) {
      if (last || !idempotent(call.method)) {
        throw SmartleadError(redact("smartlead: " + describe(call) + " failed: " +
                                        single_line(response.error),
                                    settings_.api_key));
      }
    } else if (response.status >= 200 && response.status <= 299) {
      if (response.body.size() >= outbound::kMaxResponseBody) {
        throw SmartleadError("smartlead: the answer to " + describe(call) +
                             " is larger than 64 KiB; not shown");
      }
      if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        return nlohmann::json::object();
      }
      auto parsed = nlohmann::json::parse(response.body, nullptr, false);
      // The docs promise JSON; if it is not, the text still is the answer.
      return parsed.is_discarded() ? nlohmann::json(response.body) : parsed;
    } else if (!retryable_status(response.status) || last) {
      fail(call, response, attempt);
    }

    // Retry-After (seconds or an HTTP date) wins over our backoff; one longer than we are
    // willing to wait is reported instead of sleeping through it.
    std::chrono::milliseconds delay = settings_.initial_backoff * (1 << (attempt - 1));
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
      if (auto ms = outbound::parse_retry_after(it->second, wall_ms())) {
        delay = std::chrono::milliseconds(*ms);
        if (delay > settings_.max_retry_after) {
          throw SmartleadError(redact("smartlead: " + describe(call) + " answered " +
                                          std::to_string(response.status) +
                                          " and asks to retry after " +
                                          std::to_string(*ms / 1000) + " s; try again later",
                                      settings_.api_key));
        }
      }
    }
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace slwd::cli
