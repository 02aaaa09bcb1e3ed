#pragma once
// A fake Slack incoming webhook on FakeHttpServer. Like Slack it answers 200 "ok" to a valid
// message and refuses the rest with Slack's error codes: 400 invalid_payload (not a JSON
// object), 400 no_text (neither text nor blocks), 400 invalid_blocks (a block breaking Block
// Kit's documented limits), 404 no_service (any other path than the webhook's). Answers can be
// scripted ahead for the next requests (429 with Retry-After, 500, 410 channel_is_archived, ...).
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/fake_http_server.hpp"

namespace slwd::test {

class FakeSlack {
 public:
  // The webhook's secret part, as in https://hooks.slack.com/services/T…/B…/<token>.
  static constexpr std::string_view kToken = "fAkEwEbHoOkToKeN0123456789";

  FakeSlack();
  FakeSlack(const FakeSlack&) = delete;
  FakeSlack& operator=(const FakeSlack&) = delete;

  // http://127.0.0.1:PORT/services/T0FAKE/B0FAKE/<kToken>
  std::string webhook_url() const;

  // Answers the next request with `reply` instead of checking it (queued, in order).
  void answer_next(Reply reply);
  static Reply ok();
  static Reply rate_limited(int retry_after_seconds);
  static Reply server_error();
  static Reply invalid_payload();
  static Reply no_service();
  static Reply channel_is_archived();
  static Reply invalid_blocks();

  // The messages Slack accepted, parsed, in arrival order.
  std::vector<nlohmann::json> messages() const;
  std::vector<RecordedRequest> requests() const;
  std::size_t count() const;

  // The error code Slack's checks would answer for `body`, "" when it would post it.
  static std::string problem_with(const std::string& body);

 private:
  Reply answer(const RecordedRequest& request);

  mutable std::mutex mutex_;
  std::deque<Reply> scripted_;
  std::vector<nlohmann::json> accepted_;
  FakeHttpServer server_;  // last: destroyed first, so its thread never sees the rest gone
};

}  // namespace slwd::test
