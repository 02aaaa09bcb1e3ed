// The daemon on a Redis that goes away, hangs, or loses its data (SPEC §4 row 8, §7 /readyz):
// 503 + Retry-After within 3 s rather than a stall, /readyz 503 while /healthz stays 200, and
// recovery without restarting the daemon.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>

#include "harness.hpp"
#include "support/fake_http_server.hpp"
#include "support/redis_server.hpp"

namespace slwd::testing {
namespace {

using slwd::test::FakeHttpServer;
using slwd::test::RecordedRequest;
using slwd::test::RedisServer;

constexpr const char* kSecret = "test-secret";

std::string outage_config(const std::string& redis_url, const std::string& sink_url) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
store:
  type: redis
  redis: { url: ")" + redis_url + R"(", key_prefix: "slwh:", connect_timeout: 1s, command_timeout: 1s }
  dedupe_body: false
delivery:
  workers: 2
  timeout: 2s
  retry: { max_attempts: 20, initial: 100ms, multiplier: 2, max: 1s, jitter: false }
handlers:
  - name: sink
    type: http
    url: ")" + sink_url + R"("
logging: { level: debug, format: json }
)";
}

std::set<std::string> ids_of(const std::vector<RecordedRequest>& requests) {
  std::set<std::string> ids;
  for (const auto& r : requests) ids.insert(r.header("x-request-id"));
  return ids;
}

class RedisOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(dir_, outage_config(redis_.url(), sink_.url("/in")));
    daemon_->start();
  }
  void TearDown() override {
    if (!HasFailure()) return;
    std::cerr << "---- daemon log ----\n" << daemon_->log();
    std::cerr << "---- redis log ----\n" << redis_.log();
  }

  HttpResult post(const std::string& id) {
    return post_signed(daemon_->port(), sample_reply_body(id), kSecret, id);
  }
  unsigned admin(const std::string& path) {
    return http_request(daemon_->admin_port(), "GET", path, "").status;
  }

  // While the store is unreachable: a signed POST is refused with row 8 within 3 s, /readyz is
  // 503 and /healthz 200.
  void expect_unavailable(const std::string& id) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = post(id);
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_EQ(r.status, 503u) << r.body;
    EXPECT_EQ(r.headers["retry-after"], "60");
    EXPECT_EQ(r.body, R"({"error":"temporarily unavailable"})");
    EXPECT_EQ(r.headers["content-type"], "application/json");
    EXPECT_LT(took, std::chrono::seconds(3));
    EXPECT_TRUE(eventually([&] { return admin("/readyz") == 503u; }, std::chrono::seconds(5)));
    EXPECT_EQ(admin("/healthz"), 200u);
  }

  // Once the store is back: the same daemon accepts again, /readyz 200.
  void expect_recovered(const std::string& id) {
    HttpResult r;
    EXPECT_TRUE(eventually([&] { return (r = post(id)).status == 200u; }, std::chrono::seconds(15)))
        << r.status << " " << r.body;
    EXPECT_EQ(r.body, R"({"received":true})");
    EXPECT_TRUE(eventually([&] { return admin("/readyz") == 200u; }, std::chrono::seconds(10)));
    EXPECT_TRUE(daemon_->running());
  }

  RedisServer redis_;
  FakeHttpServer sink_;
  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(RedisOutage, StoppedRedisMeans503AndRecoveryWithoutRestart) {
  ASSERT_EQ(post("before-stop").status, 200u);
  ASSERT_TRUE(sink_.wait_for_count(1, std::chrono::seconds(10)));
  EXPECT_EQ(admin("/readyz"), 200u);

  redis_.stop();
  expect_unavailable("during-stop");
  // the refused id consumed nothing (row 8 is before the dedupe record)

  redis_.restart();  // same port and dir: the AOF brings the data back
  expect_recovered("during-stop");
  EXPECT_TRUE(eventually([&] { return ids_of(sink_.requests()).count("during-stop") == 1; }));
  // the dedupe record of the event accepted before the outage survived
  EXPECT_EQ(post("before-stop").body, R"({"status":"already_processed"})");
}

TEST_F(RedisOutage, HungRedisMeans503WithinThreeSecondsAndRecoveryOnResume) {
  ASSERT_EQ(post("before-pause").status, 200u);
  ASSERT_TRUE(sink_.wait_for_count(1, std::chrono::seconds(10)));

  redis_.pause();  // accepts connections, answers nothing
  expect_unavailable("during-pause");
  // a second request is refused as fast (no queue of stalled requests builds up)
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(post("during-pause-2").status, 503u);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));

  redis_.resume();
  expect_recovered("after-pause");
  std::set<std::string> got;
  EXPECT_TRUE(eventually([&] { return (got = ids_of(sink_.requests())).count("after-pause") == 1; }))
      << got.size();
  EXPECT_EQ(got.count("before-pause"), 1u);
}

TEST_F(RedisOutage, FlushallMidRunRecreatesTheGroupsAndDeliveryResumes) {
  ASSERT_EQ(post("before-flush").status, 200u);
  ASSERT_TRUE(sink_.wait_for_count(1, std::chrono::seconds(10)));

  auto flushed = run_program({"redis-cli", "-p", std::to_string(redis_.port()), "FLUSHALL"});
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(flushed.out, "OK\n");

  // new events are accepted and delivered: the consumer groups come back
  for (int i = 1; i <= 5; ++i) {
    std::string id = "after-flush-" + std::to_string(i);
    HttpResult r;
    EXPECT_TRUE(eventually([&] { return (r = post(id)).status == 200u; }, std::chrono::seconds(10)))
        << id << " " << r.status << " " << r.body;
  }
  std::set<std::string> want{"before-flush"};
  for (int i = 1; i <= 5; ++i) want.insert("after-flush-" + std::to_string(i));
  EXPECT_TRUE(eventually([&] { return ids_of(sink_.requests()) == want; }, std::chrono::seconds(20)))
      << ids_of(sink_.requests()).size();
  EXPECT_EQ(admin("/readyz"), 200u);
  // the groups are really there again
  auto groups = run_program({"redis-cli", "-p", std::to_string(redis_.port()), "XINFO", "GROUPS",
                             "slwh:events"});
  EXPECT_EQ(groups.exit_code, 0) << groups.err;
  EXPECT_NE(groups.out.find("sink"), std::string::npos) << groups.out;
}

}  // namespace
}  // namespace slwd::testing
