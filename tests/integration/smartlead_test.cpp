// `smartlead webhooks ...` (SPEC §2), run as the real binary against a fake SmartLead API:
// the exact requests of each subcommand, the output, retries, errors, the rate limit and the
// idempotent --from-config — and, in every test, that the API key is never printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.hpp"
#include "support/fake_smartlead.hpp"

namespace slwd::testing {
namespace {

using nlohmann::json;
using slwd::test::FakeSmartlead;
using slwd::test::SmartleadCall;
using slwd::test::SmartleadFailure;

const std::string kKey = "sk-TOPSECRET-0123456789abcdef";

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

class SmartleadCli : public ::testing::Test {
 protected:
  // Runs `smartlead webhooks ARGS --base-url FAKE` with the key in the environment and a rate
  // state file of this test's own (so parallel test runs do not slow each other down).
  ProcessResult run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"smartlead", "webhooks"});
    args.push_back("--base-url");
    args.push_back(fake_.base_url());
    env.emplace("SMARTLEAD_API_KEY", kKey);
    env.emplace("SMARTLEAD_RATE_LIMIT_FILE", dir_.file("rate"));
    auto r = run_cli(args, "", env);
    expect_no_secret(r, kKey);
    return r;
  }

  static void expect_no_secret(const ProcessResult& r, const std::string& secret) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << "key printed on stdout: " << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << "key printed on stderr: " << r.err;
  }

  std::int64_t add_campaign_webhook(std::int64_t campaign, const std::string& name,
                                    const std::string& url, json events = {"EMAIL_REPLY"},
                                    json categories = json::array()) {
    return fake_.add_webhook({{"name", name},
                              {"webhook_url", url},
                              {"association_type", "campaign"},
                              {"email_campaign_id", campaign},
                              {"client_id", nullptr},
                              {"event_types", events},
                              {"categories", categories},
                              {"is_active", true}});
  }

  // The one call a command made, checked for method, path and the api_key query.
  SmartleadCall only_call(const std::string& method, const std::string& path) {
    auto calls = fake_.calls();
    EXPECT_EQ(calls.size(), 1u);
    if (calls.empty()) return {};
    EXPECT_EQ(calls[0].method, method);
    EXPECT_EQ(calls[0].path, path);
    EXPECT_EQ(calls[0].query.at("api_key"), kKey);
    return calls[0];
  }

  FakeSmartlead fake_{kKey};
  TempDir dir_;
};

// ---- request shapes and output --------------------------------------------------------

TEST_F(SmartleadCli, ListGetsTheCampaignsWebhooksAndPrintsATable) {
  auto a = add_campaign_webhook(42, "crm", "https://a.example.com/hook", {"EMAIL_REPLY", "EMAIL_OPEN"});
  auto b = add_campaign_webhook(42, "slack", "https://b.example.com/hook");
  add_campaign_webhook(43, "other-campaign", "https://c.example.com/hook");

  auto r = run({"list", "--campaign", "42"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto call = only_call("GET", "/api/v1/campaigns/42/webhooks");
  EXPECT_EQ(call.query, (std::map<std::string, std::string>{{"api_key", kKey}}));
  EXPECT_TRUE(call.raw_body.empty());
  EXPECT_EQ(r.out.rfind("ID", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(std::to_string(a) + "  crm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("https://a.example.com/hook  EMAIL_REPLY,EMAIL_OPEN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(b)), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("other-campaign"), std::string::npos) << r.out;
  EXPECT_EQ(count_lines(r.out), 3) << r.out;
}

TEST_F(SmartleadCli, ListJsonIsTheApisAnswer) {
  add_campaign_webhook(42, "crm", "https://a.example.com/hook");
  auto r = run({"list", "--campaign", "42", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto parsed = json::parse(r.out);
  EXPECT_EQ(parsed["success"], true);
  ASSERT_EQ(parsed["data"].size(), 1u);
  EXPECT_EQ(parsed["data"][0]["name"], "crm");
  // Stable text: the same answer prints the same bytes.
  EXPECT_EQ(run({"list", "--campaign", "42", "--json"}).out, r.out);
}

TEST_F(SmartleadCli, BareAnswersOfTheOlderDocsAreReadToo) {
  fake_.set_bare_answers(true);
  auto id = add_campaign_webhook(42, "crm", "https://a.example.com/hook");
  auto list = run({"list", "--campaign", "42"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find(std::to_string(id) + "  crm"), std::string::npos) << list.out;
  auto get = run({"get", std::to_string(id)});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_NE(get.out.find("https://a.example.com/hook"), std::string::npos) << get.out;
}

TEST_F(SmartleadCli, GetPrintsOneWebhook) {
  auto id = add_campaign_webhook(42, "crm", "https://a.example.com/hook", {"EMAIL_REPLY", "EMAIL_BOUNCE"},
                                 {5, 7});
  auto r = run({"get", std::to_string(id)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  only_call("GET", "/api/v1/webhook/" + std::to_string(id));
  EXPECT_NE(r.out.find("id:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("EMAIL_REPLY, EMAIL_BOUNCE"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("5, 7"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("association_type:"), std::string::npos) << r.out;

  auto j = run({"get", std::to_string(id), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(json::parse(j.out)["data"]["id"], id);
}

TEST_F(SmartleadCli, CreateAtCampaignLevelSendsTheDocumentedBody) {
  auto r = run({"create", "--name", "Replies", "--url", "https://hooks.example.com/webhooks/smartlead",
                "--level", "campaign", "--campaign", "42", "--events",
                "lead_unsubscribed,EMAIL_REPLIED,EMAIL_REPLY", "--categories", "7,5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto call = only_call("POST", "/api/v1/webhook/create");
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(call.body, json::parse(R"({
    "name": "Replies",
    "webhook_url": "https://hooks.example.com/webhooks/smartlead",
    "association_type": "campaign",
    "email_campaign_id": 42,
    "event_type_map": {"EMAIL_REPLY": true, "LEAD_UNSUBSCRIBED": true},
    "category_id_map": {"7": true, "5": true}
  })")) << call.raw_body;
  auto stored = fake_.webhooks();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(r.out, "created webhook " + stored[0]["id"].dump() +
                       ": Replies -> https://hooks.example.com/webhooks/smartlead (2 event types)\n");
}

TEST_F(SmartleadCli, CreateAtClientAndUserLevel) {
  auto client = run({"create", "--name", "agency", "--url", "https://h.example.com/x", "--level",
                     "client", "--client", "9", "--events", "all", "--json"});
  ASSERT_EQ(client.exit_code, 0) << client.err;
  auto user = run({"create", "--name", "mine", "--url", "https://h.example.com/y", "--level", "user",
                   "--events", "EMAIL_BOUNCE"});
  ASSERT_EQ(user.exit_code, 0) << user.err;

  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  const auto& c = calls[0].body;
  EXPECT_EQ(c["association_type"], "client");
  EXPECT_EQ(c["client_id"], 9);
  EXPECT_FALSE(c.contains("email_campaign_id"));
  EXPECT_FALSE(c.contains("category_id_map"));
  EXPECT_EQ(c["event_type_map"].size(), 11u);
  EXPECT_EQ(json::parse(client.out)["ok"], true);  // --json: the API's answer

  EXPECT_EQ(calls[1].body, json::parse(R"({"name": "mine", "webhook_url": "https://h.example.com/y",
    "association_type": "user", "event_type_map": {"EMAIL_BOUNCE": true}})"));
}

TEST_F(SmartleadCli, CreateRefusesBadInputBeforeSendingAnything) {
  const std::vector<std::string> base{"create", "--name", "n"};
  auto with = [&](std::vector<std::string> more) {
    auto args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  for (const auto& args : std::vector<std::vector<std::string>>{
           with({"--url", "https://h/x", "--level", "user", "--events", "EMAIL_REPLY,NOT_A_TYPE"}),
           with({"--url", "http://h/x", "--level", "user", "--events", "EMAIL_REPLY"}),
           with({"--url", "ftp://h/x", "--level", "user", "--events", "EMAIL_REPLY", "--allow-http"}),
           with({"--url", "https://h/x", "--level", "campaign", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--level", "client", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--level", "user", "--campaign", "4", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--level", "campaign", "--campaign", "x1", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--level", "galaxy", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--events", "EMAIL_REPLY"}),
           with({"--url", "https://h/x", "--level", "user"}),
           with({"--url", "https://h/x", "--level", "user", "--events", "EMAIL_REPLY", "--categories", "five"}),
           with({"--url", "https://h/x", "--level", "user", "--events", "EMAIL_REPLY", "--no-such-flag"}),
       }) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args[4] << " " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(fake_.count(), 0u);

  // http is accepted when asked for (a tunnel, a test)
  auto ok = run(with({"--url", "http://h/x", "--level", "user", "--events", "EMAIL_REPLY", "--allow-http"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(fake_.count(), 1u);
}

TEST_F(SmartleadCli, UpdateKeepsWhatIsNotGivenAndPutsTheWholeDescription) {
  auto id = add_campaign_webhook(42, "crm", "https://a.example.com/hook", {"EMAIL_REPLY"}, {5});
  auto r = run({"update", std::to_string(id), "--events", "EMAIL_OPENED,EMAIL_REPLY"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[0].path, "/api/v1/webhook/" + std::to_string(id));
  EXPECT_EQ(calls[1].method, "PUT");
  EXPECT_EQ(calls[1].path, "/api/v1/webhook/update/" + std::to_string(id));
  EXPECT_EQ(calls[1].query.at("api_key"), kKey);
  EXPECT_EQ(calls[1].body, json::parse(R"({"name": "crm", "webhook_url": "https://a.example.com/hook",
    "event_types": ["EMAIL_OPEN", "EMAIL_REPLY"], "categories": [5]})")) << calls[1].raw_body;
  EXPECT_NE(r.out.find("updated webhook " + std::to_string(id)), std::string::npos) << r.out;

  auto r2 = run({"update", std::to_string(id), "--name", "crm2", "--url", "https://b.example.com/h",
                 "--categories", "8", "--json"});
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  EXPECT_EQ(fake_.calls().back().body,
            json::parse(R"({"name": "crm2", "webhook_url": "https://b.example.com/h",
    "event_types": ["EMAIL_OPEN", "EMAIL_REPLY"], "categories": [8]})"));
  EXPECT_EQ(json::parse(r2.out)["data"]["name"], "crm2");

  auto nothing = run({"update", std::to_string(id)});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_EQ(count_lines(nothing.err), 1) << nothing.err;
  auto http = run({"update", std::to_string(id), "--url", "http://b.example.com/h"});
  EXPECT_EQ(http.exit_code, 2);
  EXPECT_EQ(fake_.count(), 4u);
}

TEST_F(SmartleadCli, DeleteSendsTheIdInAJsonBody) {
  auto id = add_campaign_webhook(42, "crm", "https://a.example.com/hook");
  auto r = run({"delete", std::to_string(id)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto call = only_call("DELETE", "/api/v1/webhook/delete");
  EXPECT_EQ(call.body, json({{"id", id}})) << call.raw_body;
  EXPECT_EQ(call.content_type, "application/json");
  EXPECT_EQ(r.out, "deleted webhook " + std::to_string(id) + "\n");
  EXPECT_TRUE(fake_.webhooks().empty());
}

TEST_F(SmartleadCli, SummarySendsTheTimesAsQueryParameters) {
  auto r = run({"summary", "--campaign", "42", "--from", "2025-01-01T00:00:00+02:00", "--to",
                "2025-01-31T23:59:59.500Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto call = only_call("GET", "/api/v1/campaigns/42/webhooks/summary");
  // '+' must arrive as '+', not as a space
  EXPECT_EQ(call.query, (std::map<std::string, std::string>{{"api_key", kKey},
                                                            {"fromTime", "2025-01-01T00:00:00+02:00"},
                                                            {"toTime", "2025-01-31T23:59:59.500Z"}}));
  EXPECT_NE(r.out.find("total_calls:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("145"), std::string::npos) << r.out;

  auto j = run({"summary", "--campaign", "42", "--from", "2025-01-01", "--to", "2025-01-31", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_EQ(json::parse(j.out)["data"]["failed_calls"], 5);

  auto bad = run({"summary", "--campaign", "42", "--from", "yesterday", "--to", "2025-01-31"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(count_lines(bad.err), 1) << bad.err;
  auto missing = run({"summary", "--campaign", "42", "--from", "2025-01-01"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(fake_.count(), 2u);
}

TEST_F(SmartleadCli, RetriggerPostsTheTimesInTheBody) {
  fake_.set_retriggered_count(17);
  auto r = run({"retrigger", "--campaign", "42", "--from", "2025-01-01T00:00:00Z", "--to",
                "2025-01-02T00:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto call = only_call("POST", "/api/v1/campaigns/42/webhooks/retrigger-failed-events");
  EXPECT_EQ(call.body, json::parse(R"({"fromTime": "2025-01-01T00:00:00Z", "toTime": "2025-01-02T00:00:00Z"})"));
  EXPECT_NE(r.out.find("retriggered_count: 17"), std::string::npos) << r.out;
  auto j = run({"retrigger", "--campaign", "42", "--from", "2025-01-01", "--to", "2025-01-02", "--json"});
  EXPECT_EQ(json::parse(j.out)["retriggered_count"], 17);
}

// ---- errors ----------------------------------------------------------------------------

TEST_F(SmartleadCli, RejectedKeyIsOneLineAndNeverShown) {
  const std::string wrong = "sk-WRONG-secret-key-98765";
  auto r = run({"list", "--campaign", "42"}, {{"SMARTLEAD_API_KEY", wrong}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "smartlead-webhookd: smartlead: API key rejected (401)\n");
  expect_no_secret(r, wrong);
  EXPECT_EQ(fake_.calls().at(0).query.at("api_key"), wrong);
  EXPECT_EQ(fake_.count(), 1u);  // a 401 is final

  // the same with --api-key on the command line
  auto flag = run({"get", "5", "--api-key", wrong});
  EXPECT_EQ(flag.exit_code, 1);
  EXPECT_EQ(flag.err, "smartlead-webhookd: smartlead: API key rejected (401)\n");
  expect_no_secret(flag, wrong);
}

TEST_F(SmartleadCli, MissingKeyIsAUsageError) {
  auto r = run({"list", "--campaign", "42"}, {{"SMARTLEAD_API_KEY", ""}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("SMARTLEAD_API_KEY"), std::string::npos) << r.err;
  EXPECT_EQ(fake_.count(), 0u);
}

TEST_F(SmartleadCli, NotFoundNamesTheResource) {
  auto r = run({"get", "999"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "smartlead-webhookd: smartlead: not found: webhook 999\n");
  auto d = run({"delete", "999"});
  EXPECT_EQ(d.exit_code, 1);
  EXPECT_EQ(d.err, "smartlead-webhookd: smartlead: not found: webhook 999\n");
}

TEST_F(SmartleadCli, ValidationErrorsShowSmartleadsMessage) {
  fake_.fail_next("POST", "/api/v1/webhook/create",
                  SmartleadFailure::unprocessable("webhook_url is not reachable"));
  auto r = run({"create", "--name", "n", "--url", "https://h.example.com/x", "--level", "user",
                "--events", "EMAIL_REPLY"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "smartlead-webhookd: smartlead: webhook_url is not reachable (422)\n");
  EXPECT_TRUE(r.out.empty());

  fake_.fail_next("GET", "", SmartleadFailure::bad_request("fromTime must be before toTime"));
  auto s = run({"summary", "--campaign", "1", "--from", "2025-02-01", "--to", "2025-01-01"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(s.err, "smartlead-webhookd: smartlead: fromTime must be before toTime (400)\n");
  EXPECT_EQ(fake_.count(), 2u);  // 4xx are not retried
}

TEST_F(SmartleadCli, UnreachableApiIsOneLineWithoutTheKey) {
  auto port = free_port();
  std::vector<std::string> args{"smartlead", "webhooks", "delete", "1", "--base-url",
                                "http://127.0.0.1:" + std::to_string(port) + "/api/v1",
                                "--api-key", kKey};
  auto r = run_cli(args, "", {{"SMARTLEAD_RATE_LIMIT_FILE", dir_.file("rate")}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("smartlead: DELETE /webhook/delete failed"), std::string::npos) << r.err;
  expect_no_secret(r, kKey);
}

// ---- retries ---------------------------------------------------------------------------

TEST_F(SmartleadCli, TooManyRequestsIsRetriedAfterRetryAfter) {
  add_campaign_webhook(42, "crm", "https://a.example.com/hook");
  fake_.fail_next("GET", "/api/v1/campaigns/42/webhooks", SmartleadFailure::too_many(2));
  auto r = run({"list", "--campaign", "42"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("crm"), std::string::npos);
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1].path, calls[0].path);
  auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(calls[1].arrived - calls[0].arrived);
  EXPECT_GE(gap.count(), 2000) << "retried before Retry-After";
  EXPECT_LT(gap.count(), 4000);
}

TEST_F(SmartleadCli, ServerErrorsAreRetriedThenSucceed) {
  fake_.fail_next("POST", "/api/v1/webhook/create", SmartleadFailure::server_error(500), 2);
  auto r = run({"create", "--name", "n", "--url", "https://h.example.com/x", "--level", "user",
                "--events", "EMAIL_REPLY"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 3u);
  for (const auto& c : calls) EXPECT_EQ(c.raw_body, calls[0].raw_body);
  // backoff between attempts
  EXPECT_GE(calls[1].arrived - calls[0].arrived, std::chrono::milliseconds(400));
  EXPECT_EQ(fake_.webhooks().size(), 1u);
}

TEST_F(SmartleadCli, ServerErrorsGiveUpAfterFourAttempts) {
  fake_.fail_next("GET", "", SmartleadFailure::server_error(503), 10);
  auto r = run({"get", "5"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("smartlead: server error (503)"), std::string::npos) << r.err;
  EXPECT_EQ(fake_.count(), 4u);
}

// ---- rate limit ------------------------------------------------------------------------

TEST_F(SmartleadCli, TwentyFiveConcurrentCallsStayUnderTenPerTwoSeconds) {
  add_campaign_webhook(42, "crm", "https://a.example.com/hook");
  // 25 processes at once, as a shell loop with `&` would start them: they share one window.
  std::vector<std::thread> threads;
  std::vector<ProcessResult> results(25);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = run({"list", "--campaign", "42"}); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fake_.count(), 25u);
  EXPECT_LE(fake_.max_in_window(std::chrono::milliseconds(2000)), 10u);
  auto calls = fake_.calls();
  // 25 requests need at least two full windows after the first ten
  EXPECT_GE(calls.back().arrived - calls.front().arrived, std::chrono::milliseconds(4000));
}

// ---- create --from-config ----------------------------------------------------------------

std::string twelve_endpoint_config() {
  std::string yaml = "endpoints:\n";
  yaml += "  - path: /hooks/replies\n    secrets: [\"s\"]\n    handlers: [replies]\n";
  yaml += "  - path: /hooks/mixed\n    secrets: [\"s\"]\n    handlers: [replies, categories]\n";
  for (int i = 3; i <= 12; ++i) {
    yaml += "  - path: /hooks/e" + std::to_string(i) + "\n    secrets: [\"s\"]\n    handlers: [everything]\n";
  }
  yaml += R"(handlers:
  - name: replies
    type: log
    events: [EMAIL_REPLY, EMAIL_BOUNCED]
  - name: categories
    type: log
    filter: { event_type: [LEAD_CATEGORY_UPDATED] }
  - name: everything
    type: log
)";
  return yaml;
}

TEST_F(SmartleadCli, FromConfigRegistersEachEndpointOnceAndUpdatesOnTheSecondRun) {
  write_file(dir_.file("config.yaml"), twelve_endpoint_config());
  auto foreign = add_campaign_webhook(42, "someone else's", "https://elsewhere.example.com/x");
  const std::vector<std::string> args{"create", "--from-config", dir_.file("config.yaml"), "--url",
                                      "https://hooks.example.com/base/", "--campaign", "42"};

  auto first = run(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto calls = fake_.calls();
  ASSERT_EQ(calls.size(), 13u);
  EXPECT_EQ(calls[0].method, "GET");
  EXPECT_EQ(calls[0].path, "/api/v1/campaigns/42/webhooks");
  for (std::size_t i = 1; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].method, "POST");
    EXPECT_EQ(calls[i].path, "/api/v1/webhook/create");
    EXPECT_EQ(calls[i].query.at("api_key"), kKey);
    EXPECT_EQ(calls[i].body["association_type"], "campaign");
    EXPECT_EQ(calls[i].body["email_campaign_id"], 42);
  }
  EXPECT_EQ(calls[1].body, json::parse(R"({"name": "smartlead-webhookd /hooks/replies",
    "webhook_url": "https://hooks.example.com/base/hooks/replies", "association_type": "campaign",
    "email_campaign_id": 42, "event_type_map": {"EMAIL_REPLY": true, "EMAIL_BOUNCE": true}})"));
  EXPECT_EQ(calls[2].body["event_type_map"],
            json::parse(R"({"EMAIL_REPLY": true, "EMAIL_BOUNCE": true, "LEAD_CATEGORY_UPDATED": true})"));
  EXPECT_EQ(calls[3].body["webhook_url"], "https://hooks.example.com/base/hooks/e3");
  EXPECT_EQ(calls[3].body["event_type_map"].size(), 11u);
  EXPECT_EQ(fake_.webhooks().size(), 13u);
  EXPECT_EQ(std::count(first.out.begin(), first.out.end(), '\n'), 13) << first.out;  // header + 12
  EXPECT_NE(first.out.find("created"), std::string::npos) << first.out;

  auto second = run(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  calls = fake_.calls();
  ASSERT_EQ(calls.size(), 26u);
  for (std::size_t i = 14; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].method, "PUT") << i;
    EXPECT_EQ(calls[i].path.rfind("/api/v1/webhook/update/", 0), 0u) << calls[i].path;
  }
  EXPECT_EQ(calls[14].body, json::parse(R"({"name": "smartlead-webhookd /hooks/replies",
    "webhook_url": "https://hooks.example.com/base/hooks/replies",
    "event_types": ["EMAIL_REPLY", "EMAIL_BOUNCE"], "categories": []})"));
  EXPECT_EQ(fake_.webhooks().size(), 13u);  // one per endpoint, plus the foreign one untouched
  EXPECT_EQ(fake_.webhook(foreign)->at("name"), "someone else's");
  EXPECT_EQ(second.out.find("created"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("updated"), std::string::npos) << second.out;

  // 26 requests from two processes, still never more than 10 in 2 s
  EXPECT_LE(fake_.max_in_window(std::chrono::milliseconds(2000)), 10u);

  auto j = run({"create", "--from-config", dir_.file("config.yaml"), "--url",
                "https://hooks.example.com/base", "--campaign", "42", "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto parsed = json::parse(j.out);
  ASSERT_EQ(parsed.size(), 12u);
  EXPECT_EQ(parsed[0]["action"], "updated");
  EXPECT_EQ(parsed[0]["endpoint"], "/hooks/replies");
}

TEST_F(SmartleadCli, FromConfigRefusesWhatItCannotDoIdempotently) {
  write_file(dir_.file("config.yaml"), twelve_endpoint_config());
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"create", "--from-config", dir_.file("config.yaml"), "--url", "https://h.example.com"},
           {"create", "--from-config", dir_.file("config.yaml"), "--url", "https://h.example.com",
            "--level", "client", "--client", "3"},
           {"create", "--from-config", dir_.file("config.yaml"), "--url", "http://h.example.com",
            "--campaign", "42"},
           {"create", "--from-config", dir_.file("config.yaml"), "--url", "https://h.example.com",
            "--campaign", "42", "--events", "EMAIL_REPLY"},
           {"create", "--from-config", dir_.file("config.yaml"), "--campaign", "42"},
       }) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
  }
  EXPECT_EQ(fake_.count(), 0u);

  // user level on request: created without a list call
  auto dup = run({"create", "--from-config", dir_.file("config.yaml"), "--url", "https://h.example.com",
                  "--allow-duplicates"});
  ASSERT_EQ(dup.exit_code, 0) << dup.err;
  EXPECT_EQ(fake_.count(), 12u);
  EXPECT_EQ(fake_.calls().front().body["association_type"], "user");

  write_file(dir_.file("bad.yaml"), "endpoints: 7\n");
  auto bad = run({"create", "--from-config", dir_.file("bad.yaml"), "--url", "https://h.example.com",
                  "--campaign", "42"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(dir_.file("bad.yaml") + ":1: "), std::string::npos) << bad.err;
  EXPECT_EQ(fake_.count(), 12u);
}

TEST_F(SmartleadCli, HelpForEverySubcommand) {
  for (const char* sub : {"list", "get", "create", "update", "delete", "summary", "retrigger"}) {
    auto r = run_cli({"smartlead", "webhooks", sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("--api-key"), std::string::npos) << sub;
  }
  auto none = run_cli({"smartlead", "webhooks"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_EQ(count_lines(none.err), 1) << none.err;
}

}  // namespace
}  // namespace slwd::testing
