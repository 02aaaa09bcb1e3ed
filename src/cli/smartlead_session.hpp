#pragma once
// What every `smartlead webhooks ...` subcommand shares: the access flags, and the API client,
// made on first use so that bad flags are reported (exit 2) before a missing key is.
#include <memory>
#include <string>

#include "smartlead_client.hpp"

namespace slwd::cli {

struct SmartleadAccess {
  std::string api_key;  // --api-key; empty: $SMARTLEAD_API_KEY
  std::string base_url = kSmartleadBaseUrl;
  bool json = false;  // print the API's JSON instead of tables
};

class SmartleadSession {
 public:
  explicit SmartleadSession(SmartleadAccess access);

  // Throws UsageError when there is no API key.
  SmartleadClient& client();
  bool json() const { return access_.json; }
  // The key to keep out of every message ("" until known).
  const std::string& api_key() const { return access_.api_key; }

  // Prints an answer for --json: indented, keys sorted, so scripts and diffs see stable text.
  static void print_json(const nlohmann::json& answer);

 private:
  SmartleadAccess access_;
  std::unique_ptr<SmartleadClient> client_;
};

}  // namespace slwd::cli
