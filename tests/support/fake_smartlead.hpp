#pragma once
// A fake SmartLead webhook-management API (the calls of shared/specs/README.md) on a real
// loopback socket, for the `smartlead webhooks ...` tests: webhooks kept in memory, the
// api_key query parameter checked (401 with SmartLead's JSON otherwise), failures scripted
// per request index or per method and path, and every request recorded with its arrival time
// so tests can check the exact shapes and the rate limit.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/fake_http_server.hpp"

namespace slwd::test {

struct SmartleadCall {
  std::string method;
  std::string path;                          // without the query, e.g. /api/v1/webhook/create
  std::map<std::string, std::string> query;  // decoded ('+' is a space, as servers read it)
  std::string raw_query;
  nlohmann::json body;  // parsed JSON; null when the body was empty or not JSON
  std::string raw_body;
  std::string content_type;
  std::chrono::steady_clock::time_point arrived;
  std::int64_t arrived_ms = 0;  // system clock
};

struct SmartleadFailure {
  int status = 500;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static SmartleadFailure unauthorized();                           // 401 {"message":"Invalid API Key"}
  static SmartleadFailure unprocessable(const std::string& error);  // 422 {"error": ...}
  static SmartleadFailure bad_request(const std::string& message);  // 400 {"message": ...}
  static SmartleadFailure too_many(int retry_after_seconds);        // 429 + Retry-After
  static SmartleadFailure server_error(int status = 500);           // 5xx {"error": ...}
};

class FakeSmartlead {
 public:
  explicit FakeSmartlead(std::string api_key = "fake-smartlead-key");
  ~FakeSmartlead();
  FakeSmartlead(const FakeSmartlead&) = delete;
  FakeSmartlead& operator=(const FakeSmartlead&) = delete;

  // "http://127.0.0.1:PORT/api/v1", for --base-url.
  std::string base_url() const;
  const std::string& api_key() const { return api_key_; }

  // The request with this 0-based index (among all received) gets `failure`.
  void fail_at(std::size_t index, SmartleadFailure failure);
  // The next `times` requests with this method and path ("" = any) get `failure`.
  void fail_next(const std::string& method, const std::string& path, SmartleadFailure failure,
                 int times = 1);

  // Newer docs wrap answers as {"success": true, "data": ...}; older ones answer the list as a
  // bare array and a webhook as a bare object. Default: wrapped.
  void set_bare_answers(bool bare);
  void set_summary(nlohmann::json summary);
  void set_retriggered_count(int count);

  // Stores a webhook as SmartLead would list it (fields as in add's argument; id assigned).
  std::int64_t add_webhook(nlohmann::json webhook);
  std::vector<nlohmann::json> webhooks() const;  // in id order
  std::optional<nlohmann::json> webhook(std::int64_t id) const;

  std::vector<SmartleadCall> calls() const;
  std::size_t count() const;
  // The most requests that arrived within any `window` (half-open: [t, t + window)).
  std::size_t max_in_window(std::chrono::milliseconds window) const;

 private:
  struct Scripted {
    std::optional<std::size_t> index;
    std::string method;
    std::string path;
    int times = 1;
    SmartleadFailure failure;
  };

  Reply handle(const RecordedRequest& request, std::size_t index);
  Reply route(const SmartleadCall& call);
  nlohmann::json wrap(nlohmann::json data) const;

  const std::string api_key_;
  mutable std::mutex mutex_;
  std::vector<SmartleadCall> calls_;
  std::vector<Scripted> scripted_;
  std::map<std::int64_t, nlohmann::json> webhooks_;
  std::int64_t next_id_ = 1001;
  bool bare_ = false;
  nlohmann::json summary_;
  int retriggered_ = 3;
  // Last: destroyed first, so its io thread stops before the state it reads goes away.
  FakeHttpServer server_;
};

}  // namespace slwd::test
