// The `slack` handler against FakeSlack (a fake incoming webhook on a real local socket): what
// it POSTs, and the outcome of each of Slack's answers. The webhook URL is a secret: no error
// may contain it, its path or its token.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "handler_test_support.hpp"
#include "slwd/events/event.hpp"
#include "support/fake_slack.hpp"

namespace slwd::handlers::test {
namespace {

using namespace std::chrono_literals;
using slwd::test::FakeSlack;
using slwd::test::Reply;

std::string fixture_body(const std::string& generation, const std::string& type) {
  std::ifstream in(std::filesystem::path(SLWD_FIXTURES_DIR) / "events" / generation / (type + ".json"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

config::HandlerConfig slack_config(const std::string& url) {
  auto c = handler_config("slack", "replies-to-slack");
  c.url = url;
  c.timeout = 5s;
  return c;
}

store::WorkItem reply_item(std::string id = "d-1") {
  return work_item(std::move(id), fixture_body("current", "EMAIL_REPLY"));
}

// No part of the webhook URL that could post into the channel appears in `text`.
void expect_no_secret(const std::string& text, const std::string& url) {
  EXPECT_EQ(text.find(std::string(FakeSlack::kToken)), std::string::npos) << text;
  EXPECT_EQ(text.find("/services/"), std::string::npos) << text;
  EXPECT_EQ(text.find(url), std::string::npos) << text;
}

TEST(SlackHandler, PostsTheMessageAsJsonAndSucceedsOnOk) {
  FakeSlack slack;
  auto handler = make(slack_config(slack.webhook_url()));
  EXPECT_EQ(handler->max_batch(), 1u);  // one at a time, in order
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::success) << out.error;
  ASSERT_EQ(slack.count(), 1u);
  auto request = slack.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.header("content-type"), "application/json; charset=utf-8");
  ASSERT_EQ(slack.messages().size(), 1u);
  const auto message = slack.messages()[0];
  EXPECT_TRUE(message["text"].get<std::string>().find("New reply from David Carroll") == 0);
  EXPECT_EQ(message["blocks"][0]["type"], "header");
}

TEST(SlackHandler, EveryFixtureIsAcceptedBySlacksChecks) {
  FakeSlack slack;
  auto handler = make(slack_config(slack.webhook_url()));
  std::vector<store::WorkItem> items;
  for (const char* generation : {"current", "legacy"}) {
    for (auto type : events::known_event_types()) {
      items.push_back(work_item("d-" + std::string(type) + generation,
                                fixture_body(generation, std::string(type)), std::string(type)));
    }
  }
  auto outcomes = deliver(*handler, items);
  for (std::size_t i = 0; i < items.size(); ++i)
    EXPECT_EQ(outcomes[i].kind, OutcomeKind::success) << items[i].delivery_id << ": " << outcomes[i].error;
  EXPECT_EQ(slack.messages().size(), items.size());
}

TEST(SlackHandler, ABatchGoesOutInOrder) {
  FakeSlack slack;
  auto handler = make(slack_config(slack.webhook_url()));
  auto outcomes = deliver(*handler, {work_item("a", fixture_body("current", "EMAIL_SENT")),
                                     work_item("b", fixture_body("current", "EMAIL_OPEN")),
                                     reply_item("c")});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto messages = slack.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_TRUE(messages[0]["text"].get<std::string>().rfind("Sent", 0) == 0);
  EXPECT_TRUE(messages[1]["text"].get<std::string>().find("opened") != std::string::npos);
  EXPECT_TRUE(messages[2]["text"].get<std::string>().rfind("New reply", 0) == 0);
}

TEST(SlackHandler, RateLimitedIsRetryableAfterRetryAfter) {
  FakeSlack slack;
  slack.answer_next(FakeSlack::rate_limited(7));
  auto handler = make(slack_config(slack.webhook_url()));
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::retryable);
  EXPECT_EQ(out.error, "slack: 429 rate_limited");
  ASSERT_TRUE(out.retry_after_ms);
  EXPECT_EQ(*out.retry_after_ms, 7000);
  // The retry goes through.
  EXPECT_EQ(deliver_one(*handler, reply_item()).kind, OutcomeKind::success);
}

TEST(SlackHandler, ServerErrorIsRetryable) {
  FakeSlack slack;
  slack.answer_next(FakeSlack::server_error());
  auto handler = make(slack_config(slack.webhook_url()));
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::retryable);
  EXPECT_EQ(out.error, "slack: 500 internal_error");
  EXPECT_FALSE(out.retry_after_ms);
}

TEST(SlackHandler, SlackErrorsArePermanentWithSlacksErrorText) {
  struct Case {
    Reply reply;
    std::string error;
  };
  for (const auto& c : {Case{FakeSlack::invalid_payload(), "slack: 400 invalid_payload"},
                        Case{FakeSlack::no_service(), "slack: 404 no_service"},
                        Case{FakeSlack::channel_is_archived(), "slack: 410 channel_is_archived"},
                        Case{Reply{403, {}, "action_prohibited"}, "slack: 403 action_prohibited"}}) {
    FakeSlack slack;
    slack.answer_next(c.reply);
    auto handler = make(slack_config(slack.webhook_url()));
    Outcome out = deliver_one(*handler, reply_item());
    EXPECT_EQ(out.kind, OutcomeKind::permanent) << c.error;
    EXPECT_EQ(out.error, c.error);
    EXPECT_FALSE(out.retry_after_ms);
  }
}

TEST(SlackHandler, AWrongWebhookPathIsNoService) {
  FakeSlack slack;
  std::string url = slack.webhook_url();
  url.back() = url.back() == 'x' ? 'y' : 'x';  // a revoked or mistyped webhook
  auto handler = make(slack_config(url));
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::permanent);
  EXPECT_EQ(out.error, "slack: 404 no_service");
  EXPECT_TRUE(slack.messages().empty());
}

TEST(SlackHandler, RefusedBlocksAreResentAsTextAlone) {
  FakeSlack slack;
  slack.answer_next(FakeSlack::invalid_blocks());
  auto handler = make(slack_config(slack.webhook_url()));
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::success) << out.error;
  ASSERT_EQ(slack.count(), 2u);
  auto messages = slack.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_FALSE(messages[0].contains("blocks"));
  EXPECT_TRUE(messages[0]["text"].get<std::string>().rfind("New reply from David Carroll", 0) == 0);
}

TEST(SlackHandler, RefusedBlocksAndRefusedTextIsPermanent) {
  FakeSlack slack;
  slack.answer_next(FakeSlack::invalid_blocks());
  slack.answer_next(FakeSlack::invalid_payload());
  auto handler = make(slack_config(slack.webhook_url()));
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::permanent);
  EXPECT_EQ(out.error, "slack: 400 invalid_payload");
}

TEST(SlackHandler, TheWebhookUrlNeverAppearsInAnError) {
  FakeSlack slack;
  const std::string url = slack.webhook_url();
  const std::string path = url.substr(url.find("/services/"));
  // Answers that echo the URL, its path or its token back.
  std::vector<Reply> echoes = {
      Reply{400, {}, "invalid_payload for " + url},
      Reply{404, {}, "no_service " + path},
      Reply{500, {}, "oops " + std::string(FakeSlack::kToken)},
      Reply{429, {{"Retry-After", "1"}}, "rate_limited " + url},
      Reply{302, {{"Location", url}}, url},
  };
  auto handler = make(slack_config(url));
  for (auto& reply : echoes) {
    slack.answer_next(reply);
    Outcome out = deliver_one(*handler, reply_item());
    EXPECT_NE(out.kind, OutcomeKind::success);
    EXPECT_FALSE(out.error.empty());
    expect_no_secret(out.error, url);
  }
}

TEST(SlackHandler, TimeoutIsRetryableWithoutTheUrl) {
  FakeSlack slack;
  Reply hang;
  hang.hang = true;
  slack.answer_next(hang);
  auto config = slack_config(slack.webhook_url());
  config.timeout = 300ms;
  auto handler = make(config);
  Outcome out = deliver_one(*handler, reply_item());
  EXPECT_EQ(out.kind, OutcomeKind::retryable);
  EXPECT_EQ(out.error, "slack: timeout after 300 ms");
  expect_no_secret(out.error, slack.webhook_url());
}

TEST(SlackHandler, ConnectionRefusedIsRetryableWithoutTheUrl) {
  // A port bound but never listening: connections are refused.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) +
                          "/services/T0FAKE/B0FAKE/" + std::string(FakeSlack::kToken);
  auto handler = make(slack_config(url));
  Outcome out = deliver_one(*handler, reply_item());
  ::close(fd);
  EXPECT_EQ(out.kind, OutcomeKind::retryable);
  EXPECT_EQ(out.error.rfind("slack: ", 0), 0u) << out.error;
  expect_no_secret(out.error, url);
}

TEST(SlackHandler, UsesTheDeliveryTimeoutWithoutItsOwn) {
  FakeSlack slack;
  Reply hang;
  hang.hang = true;
  slack.answer_next(hang);
  auto config = slack_config(slack.webhook_url());
  config.timeout.reset();
  config::DeliveryConfig delivery;
  delivery.timeout = 250ms;
  auto handler = make_handler(config, delivery);
  EXPECT_EQ(deliver_one(*handler, reply_item()).error, "slack: timeout after 250 ms");
}

TEST(SlackHandler, RegistryRefusesAMissingUrlOrABadTemplate) {
  auto config = handler_config("slack", "s");
  try {
    make(config);
    FAIL() << "no url accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "handler \"s\": url is required");
  }
  config.url = "https://hooks.slack.com/services/T/B/X";
  config.templates = {{"EMAIL_REPLY", "{{nope}}"}};
  try {
    make(config);
    FAIL() << "bad template accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("handler \"s\": template.EMAIL_REPLY: unknown placeholder {{nope}}", 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace slwd::handlers::test
