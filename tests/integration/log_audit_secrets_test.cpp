// Log audit, the hard case (issue #8 item 6, issue #6 "no secret ever appears in logs, metrics
// or error bodies"): one daemon holding every kind of secret SPEC §3 names — endpoint secrets
// (two, rotation), a Slack webhook URL and a HubSpot token from *_file, an http handler's
// signing secret, the admin token, a Redis password — at `debug` with `redact_emails: true`,
// driven through the error paths that log the most: wrong signatures, a wrong admin token,
// Slack answering 500, HubSpot answering 500 and then 401, Redis refusing the password.
// The test checks its own daemons' logs and answers here; log_audit_scan checks them again,
// with every other test's, at the end of the run.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "audit/scanner.hpp"
#include "harness.hpp"
#include "support/fake_http_server.hpp"
#include "support/fake_hubspot.hpp"
#include "support/fake_slack.hpp"
#include "support/redis_server.hpp"

namespace slwd::testing {
namespace {

using test::FakeHsFailure;

constexpr const char* kEndpointSecret = "audit-endpoint-secret-current";
constexpr const char* kOldEndpointSecret = "audit-endpoint-secret-previous";
constexpr const char* kAdminToken = "audit-admin-token-0123456789";
constexpr const char* kRedisPassword = "audit-redis-password-0123456789";
constexpr const char* kForwardSecret = "audit-forward-signing-secret";
constexpr const char* kHubspotToken = "pat-na1-audit-token-0123456789";
constexpr const char* kLeadEmail = "jane.lead@example.com";

std::string redis_url(std::uint16_t port, const std::string& password) {
  return "redis://:" + password + "@127.0.0.1:" + std::to_string(port) + "/0";
}

std::string config(const std::string& redis, const std::string& hubspot_base,
                   const std::string& forward_url) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 2
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
  token_file: "{{DIR}}/admin_token"
endpoints:
  - path: /webhooks/smartlead
    secrets: [")" + std::string(kEndpointSecret) + R"(", ")" + kOldEndpointSecret + R"("]
store:
  type: redis
  redis: { url: ")" + redis + R"(", connect_timeout: 1s, command_timeout: 1s }
delivery:
  workers: 4
  retry: { max_attempts: 3, initial: 200ms, multiplier: 1, max: 1s, jitter: false }
handlers:
  - name: slack
    type: slack
    url_file: "{{DIR}}/slack_url"
  - name: crm
    type: hubspot
    token_file: "{{DIR}}/hubspot_token"
    base_url: ")" + hubspot_base + R"("
    properties: { category: smartlead_category }
  - name: forward
    type: http
    url: ")" + forward_url + R"("
    secret: ")" + kForwardSecret + R"("
  - name: log
    type: log
logging: { level: debug, format: json, redact_emails: true }
)";
}

std::string reply_from(const std::string& email, const std::string& marker) {
  return R"({"event_type":"EMAIL_REPLY","campaign_id":7,"campaign_name":"Audit",)"
         R"("to_email":")" + email + R"(","to_name":"Jane Lead","subject":"Re: )" + email + R"(",)"
         R"("reply_message":{"text":"write to )" + email + " " + marker + R"("},)"
         R"("event_timestamp":"2026-11-27T08:00:00Z"})";
}

// Every secret of the config, and with redaction no address, in `text`: the assertion the
// scan makes for the whole run, made here for this test's daemons.
void expect_no_leak(const std::string& where, const std::string& text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    EXPECT_EQ(text.find(secret), std::string::npos) << where << " holds " << audit::masked(secret);
  }
  auto emails = audit::email_addresses(text);
  EXPECT_TRUE(emails.empty()) << where << " holds an email address: " << (emails.empty() ? "" : emails[0]);
}

TEST(LogAudit, NoSecretOrEmailReachesTheLogMetricsOrErrorBodiesEvenOnErrorPaths) {
  test::RedisServer redis({"--requirepass", kRedisPassword});
  test::FakeSlack slack;
  test::FakeHubspot hubspot(kHubspotToken);
  hubspot.define_property("smartlead_category");
  test::FakeHttpServer forward([](const test::RecordedRequest&, std::size_t index) {
    test::Reply r;
    r.status = index == 0 ? 500 : 200;  // one retry logged, then delivered
    return r;
  });
  // Slack fails first (a retry is logged with its error), HubSpot first 500, then 401 (token
  // rejected: a dead letter whose last_error the admin port lists).
  slack.answer_next(test::FakeSlack::server_error());
  hubspot.fail(test::kHsSearchContacts, 0, FakeHsFailure{500, "internal error", "INTERNAL_ERROR"});
  hubspot.fail(test::kHsSearchContacts, 1, FakeHsFailure{401, "Authentication credentials not found.", "INVALID_AUTHENTICATION"});

  TempDir dir;
  write_file(dir.file("admin_token"), std::string(kAdminToken) + "\n");
  write_file(dir.file("slack_url"), slack.webhook_url() + "\n");
  write_file(dir.file("hubspot_token"), std::string(kHubspotToken) + "\n");
  Daemon daemon(dir, config(redis_url(redis.port(), kRedisPassword), hubspot.base_url(),
                            forward.url("/forward/audit-forward-path-secret")));
  daemon.start();
  const std::string slack_path = slack.webhook_url().substr(slack.webhook_url().find("/services/"));
  const std::vector<std::string> secrets = {kEndpointSecret, kOldEndpointSecret, kAdminToken,
                                            kRedisPassword,  kForwardSecret,     kHubspotToken,
                                            slack_path,      "/forward/audit-forward-path-secret",
                                            std::string(test::FakeSlack::kToken)};

  std::vector<HttpResult> answers;
  // Accepted, under both secrets; the handlers then fail and retry.
  answers.push_back(post_signed(daemon.port(), reply_from(kLeadEmail, "one"), kEndpointSecret, "audit-1"));
  EXPECT_EQ(answers.back().status, 200u);
  answers.push_back(post_signed(daemon.port(), reply_from("bob.lead@example.org", "two"), kOldEndpointSecret, "audit-2"));
  EXPECT_EQ(answers.back().status, 200u);
  // Refused: wrong signature, missing signature, a signature made with the secret's prefix.
  answers.push_back(post_signed(daemon.port(), reply_from(kLeadEmail, "bad"), "wrong-secret", "audit-401"));
  EXPECT_EQ(answers.back().status, 401u);
  answers.push_back(http_request(daemon.port(), "POST", "/webhooks/smartlead", reply_from(kLeadEmail, "none")));
  EXPECT_EQ(answers.back().status, 401u);
  // Authentic but invalid, with addresses in it: 400, and the error body must not echo them.
  std::string invalid = R"({"event_type":"EMAIL_REPLY","to_email":")" + std::string(kLeadEmail) + R"(",)";
  answers.push_back(post_signed(daemon.port(), invalid, kEndpointSecret, "audit-400"));
  EXPECT_EQ(answers.back().status, 400u);
  std::string no_type = R"({"to_email":")" + std::string(kLeadEmail) + R"(","secret_key":")" + kEndpointSecret + R"("})";
  answers.push_back(post_signed(daemon.port(), no_type, kEndpointSecret, "audit-400b"));
  EXPECT_EQ(answers.back().status, 400u);
  answers.push_back(post_signed(daemon.port(), "not json at all " + std::string(kLeadEmail), kEndpointSecret, "audit-400c"));
  EXPECT_EQ(answers.back().status, 400u);

  // The handlers' error paths ran: a Slack retry, a forward retry, HubSpot's dead letter.
  ASSERT_TRUE(slack.messages().size() >= 2 || eventually([&] { return slack.messages().size() >= 2; }, std::chrono::seconds(20)))
      << daemon.log();
  ASSERT_TRUE(forward.wait_for_count(3, std::chrono::seconds(20))) << daemon.log();
  const std::map<std::string, std::string> auth{{"Authorization", std::string("Bearer ") + kAdminToken}};
  ASSERT_TRUE(eventually([&] {
    auto dlq = http_request(daemon.admin_port(), "GET", "/dlq", "", auth);
    return dlq.status == 200 && dlq.body.find("\"crm\"") != std::string::npos;
  }, std::chrono::seconds(20))) << daemon.log();

  // The admin port: metrics and dlq with the token, refusals without it or with a wrong one.
  answers.push_back(http_request(daemon.admin_port(), "GET", "/metrics", "", auth));
  EXPECT_EQ(answers.back().status, 200u);
  answers.push_back(http_request(daemon.admin_port(), "GET", "/metrics", ""));
  EXPECT_EQ(answers.back().status, 401u);
  answers.push_back(http_request(daemon.admin_port(), "GET", "/dlq", "", {{"Authorization", "Bearer audit-admin-token"}}));
  EXPECT_EQ(answers.back().status, 401u);
  answers.push_back(http_request(daemon.admin_port(), "POST", "/dlq/replay", R"({"all":true})", auth));
  EXPECT_EQ(answers.back().status, 200u);

  // Redis refuses the password: the daemon's reconnect fails with an auth error, logged; the
  // request in the meantime gets 503. Then the password is back and so is the daemon.
  auto cli = [&](std::vector<std::string> args, const std::string& password) {
    std::vector<std::string> argv{"redis-cli", "-p", std::to_string(redis.port()), "--no-auth-warning", "-a", password};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  };
  ASSERT_EQ(cli({"CONFIG", "SET", "requirepass", "audit-rotated-redis-password"}, kRedisPassword).exit_code, 0);
  cli({"CLIENT", "KILL", "TYPE", "normal"}, "audit-rotated-redis-password");
  ASSERT_TRUE(eventually([&] {
    auto r = post_signed(daemon.port(), reply_from(kLeadEmail, "down"), kEndpointSecret, "audit-503");
    answers.push_back(r);
    return r.status == 503u;
  }, std::chrono::seconds(15))) << daemon.log();
  ASSERT_TRUE(eventually([&] {
    return daemon.log().find("redis") != std::string::npos &&
           daemon.log().find("WRONGPASS") != std::string::npos;
  }, std::chrono::seconds(10))) << "the auth error was logged";
  ASSERT_EQ(cli({"CONFIG", "SET", "requirepass", kRedisPassword}, "audit-rotated-redis-password").exit_code, 0);
  EXPECT_TRUE(eventually([&] {
    return post_signed(daemon.port(), reply_from(kLeadEmail, "up"), kEndpointSecret, "audit-up").status == 200u;
  }, std::chrono::seconds(20))) << daemon.log();

  // A second daemon with a wrong Redis password does not start, and says why without the password.
  TempDir wrong_dir;
  write_file(wrong_dir.file("admin_token"), std::string(kAdminToken) + "\n");
  write_file(wrong_dir.file("slack_url"), slack.webhook_url() + "\n");
  write_file(wrong_dir.file("hubspot_token"), std::string(kHubspotToken) + "\n");
  Daemon refused(wrong_dir, config(redis_url(redis.port(), "audit-wrong-redis-password"),
                                   hubspot.base_url(), forward.url("/forward/audit-forward-path-secret")));
  EXPECT_THROW(refused.start(), std::runtime_error);
  EXPECT_NE(refused.log().find("WRONGPASS"), std::string::npos) << refused.log();
  expect_no_leak("the refused daemon's log", refused.log(), {"audit-wrong-redis-password", kRedisPassword});

  // Logged at debug with every error path above...
  const std::string log = daemon.log();
  for (const char* expected : {"\"level\":\"debug\"", "delivery failed, will retry", "delivery dead-lettered",
                               "\"status\":\"401\"", "\"status\":\"400\"", "\"status\":\"503\""}) {
    EXPECT_NE(log.find(expected), std::string::npos) << "no " << expected << " in the log";
  }
  EXPECT_NE(log.find("***@example.com"), std::string::npos) << "the log handler's lead email, redacted";
  // ...and none of it holds a secret or an address.
  std::istringstream lines(log);
  std::size_t n = 0;
  for (std::string line; std::getline(lines, line);) expect_no_leak("log line " + std::to_string(++n), line, secrets);
  for (const auto& a : answers) {
    if (a.status >= 400 || a.body.find("# TYPE") != std::string::npos) {
      expect_no_leak("answer " + std::to_string(a.status), a.body, secrets);
    } else {
      for (const auto& s : secrets) EXPECT_EQ(a.body.find(s), std::string::npos) << audit::masked(s);
    }
  }
}

}  // namespace
}  // namespace slwd::testing
