#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "slack_payload.hpp"
#include "slwd/handlers/handler.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::handlers {

// `slack` (SPEC §6): POSTs a Block Kit message per event to an incoming-webhook `url`.
//
// Outcomes: 2xx (Slack answers 200 "ok") -> success; 408, 429 (Retry-After honoured), 5xx,
// timeouts and connection errors -> retryable; any other answer (400 invalid_payload, 403,
// 404 no_service, 410 channel_is_archived, ...) -> permanent, with Slack's error text in the
// error: "slack: 404 no_service". A 400 invalid_blocks* (blocks Slack refuses despite the
// limits we apply) is retried at once with the fallback text alone, so the message still
// arrives. The webhook URL is a secret: it never appears in an error or a log line.
//
// Items go out one at a time, in order: Slack allows about one message per second per
// webhook, so parallel requests would only collect 429s and shuffle the channel's order.
class SlackHandler final : public Handler {
 public:
  // Throws std::invalid_argument without a url or with a template that does not parse.
  SlackHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout);

  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;

 private:
  Outcome send(const store::WorkItem& item);
  outbound::HttpResponse post(const std::string& body);
  Outcome outcome_from(outbound::HttpResponse response) const;
  // Replaces the URL, its path and its token in `text` (an answer may echo what it was sent).
  void redact(std::string& text) const;

  std::string name_;
  std::string url_;
  std::vector<std::string> sensitive_;  // never in an error text
  slack::PayloadOptions options_;
  std::chrono::milliseconds timeout_;
  outbound::HttpClient client_;
};

}  // namespace slwd::handlers
