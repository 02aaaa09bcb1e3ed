#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "slwd/handlers/handler.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::handlers {

// `http` (SPEC §6): POSTs each event's raw body, byte for byte, to `url` with the SmartLead
// headers and, with `secret`, an HMAC signature of the body. A batch goes out concurrently on
// the handler's own client, so connections are reused per handler.
//
// Extra `headers:` are added after the protocol ones, but cannot replace them: an extra header
// named like Content-Type, Content-Length, Transfer-Encoding, X-Request-Id, X-Smartlead-Event,
// X-Webhook-Level or X-Smartlead-Signature (any case) is dropped with a warning at start — the
// receiver relies on those being what this daemon computed (a stale signature or a second
// Content-Type would be worse than none).
class HttpHandler final : public Handler {
 public:
  static constexpr std::size_t kMaxBatch = 64;
  static constexpr std::size_t kParallel = 16;

  // Throws std::invalid_argument without a url, or for a header name or value that cannot be
  // sent.
  HttpHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout);

  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;
  std::size_t max_batch() const override { return kMaxBatch; }

 private:
  outbound::HttpRequest build_request(const store::WorkItem& item) const;
  // Replaces the secret, the request's signature and token-like header values in `text` (an
  // answer's body, which may echo what it was sent).
  void redact(std::string& text, const outbound::HttpRequest& request) const;

  std::string name_;
  std::string url_;
  std::string secret_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  std::vector<std::string> sensitive_;  // never in an error text
  std::chrono::milliseconds timeout_;
  outbound::HttpClient client_;
};

}  // namespace slwd::handlers
