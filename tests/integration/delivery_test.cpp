// The delivery half end to end: the real daemon forwarding to local fake HTTP servers and
// running real commands, with retries, Retry-After, dead letters, filters and crashes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "harness.hpp"
#include "store_param.hpp"
#include "support/fake_http_server.hpp"

namespace slwd::testing {
namespace {

using slwd::test::FakeHttpServer;
using slwd::test::RecordedRequest;
using slwd::test::Reply;

constexpr const char* kSecret = "test-secret";

std::string config_on(const std::string& store_block, const std::string& handlers,
                      const std::string& delivery = "") {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
store:
)" + store_block + R"(  dedupe_body: false
delivery:
  workers: 4
  timeout: 2s
)" + delivery + "handlers:\n" + handlers + "logging: { level: debug, format: json }\n";
}

std::string fast_retry() {
  return "    retry: { max_attempts: 5, initial: 100ms, multiplier: 2, max: 1s, jitter: false }\n";
}

std::set<std::string> ids_of(const std::vector<RecordedRequest>& requests) {
  std::set<std::string> ids;
  for (const auto& r : requests) ids.insert(r.header("x-request-id"));
  return ids;
}

nlohmann::json dlq_json(const Daemon& d) {
  auto r = run_cli({"dlq", "list", "--config", d.config_path(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

class Delivery : public StoreParamTest {
 protected:
  // The config on this test's store.
  std::string base_config(const std::string& handlers, const std::string& delivery = "") const {
    return config_on(store_block(), handlers, delivery);
  }
  void start(const std::string& config) {
    daemon_ = std::make_unique<Daemon>(dir_, config);
    daemon_->start();
  }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log();
    StoreParamTest::TearDown();
  }
  HttpResult post(const std::string& body, const std::string& id,
                  std::map<std::string, std::string> extra = {}) {
    extra["X-Smartlead-Signature"] = sign(kSecret, body);
    extra["X-Request-Id"] = id;
    return http_request(daemon_->port(), "POST", "/webhooks/smartlead", body, extra);
  }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_P(Delivery, HttpHandlerForwardsTheRawBodyByteForByteWithSignedHeaders) {
  FakeHttpServer sink;
  start(base_config("  - name: forward\n    type: http\n    url: \"" + sink.url("/in") +
                    "\"\n    secret: forward-secret\n    headers: { X-Team: sales }\n"));
  // odd spacing and key order on purpose: the forward must not re-serialise
  const std::string body = "{\"event_type\":  \"EMAIL_REPLY\" ,\n \"campaign_id\":7, \"x\":[1, 2]}";
  ASSERT_EQ(post(body, "fw-1", {{"X-Webhook-Level", "Campaign"}}).status, 200u);
  ASSERT_TRUE(sink.wait_for_count(1, std::chrono::seconds(10)));
  auto r = sink.requests().at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/in");
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-request-id"), "fw-1");
  EXPECT_EQ(r.header("x-smartlead-event"), "EMAIL_REPLY");
  EXPECT_EQ(r.header("x-webhook-level"), "campaign");
  EXPECT_EQ(r.header("x-smartlead-signature"), sign("forward-secret", body));
  EXPECT_EQ(r.header("x-team"), "sales");
  // no level header when the delivery had none
  ASSERT_EQ(post(sample_reply_body("no-level"), "fw-2").status, 200u);
  ASSERT_TRUE(sink.wait_for_count(2, std::chrono::seconds(10)));
  EXPECT_FALSE(sink.requests().at(1).has_header("x-webhook-level"));
}

TEST_P(Delivery, ServerErrorsAreRetriedUntilTheSinkAcceptsThenDeliveredOnce) {
  FakeHttpServer sink([](const RecordedRequest&, std::size_t i) {
    return Reply{i < 3 ? 500 : 200, {}, i < 3 ? "boom" : "ok"};
  });
  start(base_config("  - name: flaky\n    type: http\n    url: \"" + sink.url("/") + "\"\n" +
                    fast_retry()));
  ASSERT_EQ(post(sample_reply_body("retry"), "retry-1").status, 200u);
  ASSERT_TRUE(sink.wait_for_count(4, std::chrono::seconds(15)));
  auto requests = sink.requests();
  for (const auto& r : requests) EXPECT_EQ(r.header("x-request-id"), "retry-1");
  // backoff without jitter: 100 ms, 200 ms, 400 ms between the attempts
  EXPECT_GE(requests[1].arrived - requests[0].arrived, std::chrono::milliseconds(100));
  EXPECT_GE(requests[2].arrived - requests[1].arrived, std::chrono::milliseconds(200));
  EXPECT_GE(requests[3].arrived - requests[2].arrived, std::chrono::milliseconds(400));
  // delivered: nothing more arrives, nothing is dead
  EXPECT_FALSE(sink.wait_for_count(5, std::chrono::milliseconds(2500)));
  EXPECT_TRUE(dlq_json(*daemon_).empty());
}

TEST_P(Delivery, RetryAfterIsAFloorForTheNextAttempt) {
  FakeHttpServer sink([](const RecordedRequest&, std::size_t i) {
    if (i == 0) return Reply{429, {{"Retry-After", "2"}}, "slow down"};
    return Reply{200, {}, "ok"};
  });
  start(base_config("  - name: limited\n    type: http\n    url: \"" + sink.url("/") + "\"\n" +
                    fast_retry()));
  ASSERT_EQ(post(sample_reply_body("429"), "ra-1").status, 200u);
  ASSERT_TRUE(sink.wait_for_count(2, std::chrono::seconds(15)));
  auto requests = sink.requests();
  EXPECT_GE(requests[1].arrived - requests[0].arrived, std::chrono::milliseconds(2000));
}

TEST_P(Delivery, AClientErrorIsDeadLetteredAtOnceAndReplayDeliversIt) {
  std::atomic<int> status{400};
  FakeHttpServer sink([&](const RecordedRequest&, std::size_t) {
    return Reply{status.load(), {}, status == 400 ? "{\"error\":\"bad field\"}" : "ok"};
  });
  start(base_config("  - name: strict\n    type: http\n    url: \"" + sink.url("/") + "\"\n" +
                    fast_retry()));
  ASSERT_EQ(post(sample_reply_body("dead"), "dead-1").status, 200u);
  nlohmann::json dead;
  ASSERT_TRUE(eventually([&] {
    dead = dlq_json(*daemon_);
    return dead.size() == 1;
  }));
  EXPECT_EQ(sink.count(), 1u);  // one attempt only
  EXPECT_EQ(dead[0]["delivery_id"], "dead-1");
  EXPECT_EQ(dead[0]["handler"], "strict");
  EXPECT_EQ(dead[0]["event_type"], "EMAIL_REPLY");
  EXPECT_EQ(dead[0]["attempts"], 1);
  EXPECT_NE(dead[0]["last_error"].get<std::string>().find("400"), std::string::npos);
  EXPECT_TRUE(dead[0]["id"].is_string());
  // the admin port shows the same
  auto admin = http_request(daemon_->admin_port(), "GET", "/dlq", "");
  EXPECT_EQ(nlohmann::json::parse(admin.body), dead);

  status = 200;
  auto replay = run_cli({"dlq", "replay", "--config", daemon_->config_path(), "--all"});
  EXPECT_EQ(replay.out, "replayed 1\n") << replay.err;
  ASSERT_TRUE(sink.wait_for_count(2, std::chrono::seconds(5)));  // SPEC §2: within 5 s
  EXPECT_EQ(sink.requests().at(1).header("x-request-id"), "dead-1");
  EXPECT_TRUE(eventually([&] { return dlq_json(*daemon_).empty(); }));
}

TEST_P(Delivery, AdminReplayAndPurgeBySelection) {
  FakeHttpServer sink([](const RecordedRequest&, std::size_t) { return Reply{404, {}, "gone"}; });
  start(base_config("  - name: gone\n    type: http\n    url: \"" + sink.url("/") + "\"\n"));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(post(sample_reply_body("p" + std::to_string(i)), "p-" + std::to_string(i)).status, 200u);
  }
  nlohmann::json dead;
  ASSERT_TRUE(eventually([&] { return (dead = dlq_json(*daemon_)).size() == 3; }));
  auto one = dead[0]["id"].get<std::string>();
  auto replayed = http_request(daemon_->admin_port(), "POST", "/dlq/replay",
                               "{\"ids\":[\"" + one + "\"]}");
  EXPECT_EQ(replayed.body, "{\"replayed\":1}");
  ASSERT_TRUE(sink.wait_for_count(4, std::chrono::seconds(5)));
  auto purge = run_cli({"dlq", "purge", "--config", daemon_->config_path(), "--all", "--handler", "other"});
  EXPECT_EQ(purge.out, "purged 0\n");
  ASSERT_TRUE(eventually([&] { return dlq_json(*daemon_).size() == 3; }));  // dead again
  purge = run_cli({"dlq", "purge", "--config", daemon_->config_path(), "--all"});
  EXPECT_EQ(purge.out, "purged 3\n");
  EXPECT_TRUE(dlq_json(*daemon_).empty());
}

TEST_P(Delivery, AHungSinkDoesNotHoldBackAHealthyHandler) {
  FakeHttpServer hung([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  FakeHttpServer healthy;
  start(base_config("  - name: stuck\n    type: http\n    url: \"" + hung.url("/") +
                    "\"\n    timeout: 1s\n" + fast_retry() +
                    "  - name: fine\n    type: http\n    url: \"" + healthy.url("/") + "\"\n"));
  auto r = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event", "EMAIL_OPEN",
                    "--request-id", "hang", "--count", "200", "--concurrency", "8"});
  ASSERT_EQ(r.out, "sent 200: 200=200\n");
  EXPECT_TRUE(healthy.wait_for_count(200, std::chrono::seconds(10)));
  EXPECT_EQ(ids_of(healthy.requests()).size(), 200u);
  // the hung sink's attempts time out and are retried (the same ids come again)
  EXPECT_TRUE(eventually([&] {
    auto requests = hung.requests();
    return requests.size() > ids_of(requests).size();
  }, std::chrono::seconds(20)));
}

TEST_P(Delivery, FiltersRouteByCampaignCategoryAndLevel) {
  FakeHttpServer sink;
  auto handler = [&](const std::string& name, const std::string& rest) {
    return "  - name: " + name + "\n    type: http\n    url: \"" + sink.url("/" + name) + "\"\n" + rest;
  };
  start(base_config(handler("by-campaign", "    filter: { campaign_id: [123, \"456\"] }\n") +
                    handler("by-category", "    events: [LEAD_CATEGORY_UPDATED]\n"
                                           "    filter: { category: [interested] }\n") +
                    handler("by-level", "    filter: { level: [user] }\n")));
  auto category = [](const std::string& campaign, const std::string& name) {
    return "{\"event_type\":\"LEAD_CATEGORY_UPDATED\",\"campaign_id\":" + campaign +
           ",\"lead_category\":{\"new_name\":\"" + name + "\"}}";
  };
  ASSERT_EQ(post(category("123", "Interested"), "f-1").status, 200u);            // campaign, category
  ASSERT_EQ(post(category("\"456\"", "Not Interested"), "f-2").status, 200u);    // campaign
  ASSERT_EQ(post(category("789", "INTERESTED"), "f-3", {{"X-Webhook-Level", "User"}}).status, 200u);  // category, level
  ASSERT_EQ(post(sample_reply_body("r"), "f-4", {{"X-Webhook-Level", "campaign"}}).status, 200u);  // campaign 123
  ASSERT_TRUE(sink.wait_for_count(6, std::chrono::seconds(10)));
  EXPECT_FALSE(sink.wait_for_count(7, std::chrono::milliseconds(1000)));
  std::map<std::string, std::set<std::string>> got;
  for (const auto& r : sink.requests()) got[r.target].insert(r.header("x-request-id"));
  EXPECT_EQ(got["/by-campaign"], (std::set<std::string>{"f-1", "f-2", "f-4"}));
  EXPECT_EQ(got["/by-category"], (std::set<std::string>{"f-1", "f-3"}));
  EXPECT_EQ(got["/by-level"], (std::set<std::string>{"f-3"}));
}

TEST_P(Delivery, CommandHandlerSucceedsFailsAndTimesOut) {
  std::string out = dir_.file("cmd-out");
  start(base_config(
      "  - name: writer\n    type: command\n    events: [EMAIL_REPLY]\n"
      "    argv: [\"sh\", \"-c\", \"cat > " + out + "-$SMARTLEAD_DELIVERY_ID; echo $SMARTLEAD_EVENT_TYPE > " + out + "-$SMARTLEAD_DELIVERY_ID.type\"]\n"
      "  - name: failing\n    type: command\n    events: [EMAIL_OPEN]\n    argv: [\"sh\", \"-c\", \"exit 3\"]\n"
      "    retry: { max_attempts: 2, initial: 100ms, multiplier: 1, max: 1s, jitter: false }\n"
      "  - name: sleepy\n    type: command\n    events: [EMAIL_BOUNCE]\n    argv: [\"sleep\", \"30\"]\n"
      "    timeout: 500ms\n    retry: { max_attempts: 1, initial: 100ms, multiplier: 1, max: 1s, jitter: false }\n"));
  std::string body = sample_reply_body("to a command");
  ASSERT_EQ(post(body, "cmd-1").status, 200u);
  ASSERT_EQ(post("{\"event_type\":\"EMAIL_OPEN\"}", "cmd-2").status, 200u);
  ASSERT_EQ(post("{\"event_type\":\"EMAIL_BOUNCE\"}", "cmd-3").status, 200u);
  EXPECT_TRUE(eventually([&] { return read_file(out + "-cmd-1.type") == "EMAIL_REPLY\n"; }));
  EXPECT_EQ(read_file(out + "-cmd-1"), body);
  nlohmann::json dead;
  ASSERT_TRUE(eventually([&] { return (dead = dlq_json(*daemon_)).size() == 2; }, std::chrono::seconds(15)));
  std::map<std::string, nlohmann::json> by_handler;
  for (const auto& d : dead) by_handler[d["handler"]] = d;
  EXPECT_EQ(by_handler["failing"]["attempts"], 2);
  EXPECT_NE(by_handler["failing"]["last_error"].get<std::string>().find("exit status 3"), std::string::npos);
  EXPECT_EQ(by_handler["sleepy"]["attempts"], 1);
  EXPECT_NE(by_handler["sleepy"]["last_error"].get<std::string>().find("timeout"), std::string::npos);
}

TEST_P(Delivery, KillNineWithDeliveriesInFlightLosesNothing) {
  std::atomic<bool> slow{true};
  auto script = [&](const RecordedRequest&, std::size_t) {
    Reply r;
    if (slow) r.delay = std::chrono::milliseconds(300);
    return r;
  };
  FakeHttpServer a(script), b(script);
  start(base_config("  - name: a\n    type: http\n    url: \"" + a.url("/") + "\"\n" +
                    "  - name: b\n    type: http\n    url: \"" + b.url("/") + "\"\n"));
  auto r = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event", "EMAIL_OPEN",
                    "--request-id", "k", "--count", "150", "--concurrency", "8"});
  ASSERT_EQ(r.out, "sent 150: 200=150\n");
  ASSERT_TRUE(a.wait_for_count(1, std::chrono::seconds(10)));  // deliveries are under way
  daemon_->kill9();
  slow = false;
  daemon_->start();
  std::set<std::string> want;
  for (int i = 1; i <= 150; ++i) want.insert("k-" + std::to_string(i));
  // On Redis the restarted daemon is a new consumer: what the killed one had claimed is taken
  // over by XAUTOCLAIM only once its lease (default 30 s) has expired, so wait beyond that.
  EXPECT_TRUE(eventually([&] { return ids_of(a.requests()) == want && ids_of(b.requests()) == want; },
                         std::chrono::seconds(60)));
}

INSTANTIATE_TEST_SUITE_P(Stores, Delivery, kAllStores, store_kind_name);

}  // namespace
}  // namespace slwd::testing
