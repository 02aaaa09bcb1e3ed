#include "smartlead_session.hpp"

#include <cstdlib>
#include <iostream>

#include "smartlead_input.hpp"

namespace slwd::cli {

SmartleadSession::SmartleadSession(SmartleadAccess access) : access_(std::move(access)) {
  if (access_.api_key.empty()) {
    if (const char* env = std::getenv("SMARTLEAD_API_KEY")) access_.api_key = env;
  }
}

SmartleadClient& SmartleadSession::client() {
  if (!client_) {
    if (access_.api_key.empty()) {
      throw UsageError("smartlead: no API key: set SMARTLEAD_API_KEY or pass --api-key");
    }
    if (!is_http_url(access_.base_url)) {
      throw UsageError("--base-url must be an http(s) URL: '" + access_.base_url + "'");
    }
    SmartleadSettings settings;
    settings.base_url = access_.base_url;
    settings.api_key = access_.api_key;
    settings.rate_state_path = SmartleadRateLimiter::default_state_path();
    client_ = std::make_unique<SmartleadClient>(std::move(settings));
  }
  return *client_;
}

void SmartleadSession::print_json(const nlohmann::json& answer) {
  std::cout << answer.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace slwd::cli
