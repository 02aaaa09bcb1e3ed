// Scale-out end to end (SPEC §9): several daemon replicas on one Redis. A delivery id is
// accepted by exactly one replica, each event reaches each handler once when nothing fails, and
// the work a killed replica had claimed is taken over by another once its lease expires.
#include <gtest/gtest.h>

#include <barrier>
#include <map>
#include <set>
#include <thread>

#include "harness.hpp"
#include "support/fake_http_server.hpp"
#include "support/redis_server.hpp"

namespace slwd::testing {
namespace {

using slwd::test::FakeHttpServer;
using slwd::test::RecordedRequest;
using slwd::test::RedisServer;
using slwd::test::Reply;

constexpr const char* kSecret = "test-secret";

std::string replica_config(const std::string& redis_url, const std::string& redis_extra,
                           const std::string& handlers) {
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
  redis: { url: ")" + redis_url + R"(", key_prefix: "slwh:")" + redis_extra + R"( }
  dedupe_body: false
delivery:
  workers: 4
  timeout: 10s
handlers:
)" + handlers + "logging: { level: debug, format: json }\n";
}

std::string http_handler(const std::string& name, const FakeHttpServer& sink) {
  return "  - name: " + name + "\n    type: http\n    url: \"" + sink.url("/" + name) + "\"\n";
}

std::map<std::string, int> count_by_id(const std::vector<RecordedRequest>& requests) {
  std::map<std::string, int> n;
  for (const auto& r : requests) ++n[r.header("x-request-id")];
  return n;
}

std::set<std::string> ids_of(const std::vector<RecordedRequest>& requests) {
  std::set<std::string> ids;
  for (const auto& r : requests) ids.insert(r.header("x-request-id"));
  return ids;
}

class Replicas : public ::testing::Test {
 protected:
  // Two replicas of the same config, each with its own dir (config file, log).
  void start_two(const std::string& config) {
    a_ = std::make_unique<Daemon>(dir_a_, config);
    b_ = std::make_unique<Daemon>(dir_b_, config);
    a_->start();
    b_->start();
  }
  void TearDown() override {
    if (!HasFailure()) return;
    if (a_) std::cerr << "---- replica a log ----\n" << a_->log();
    if (b_) std::cerr << "---- replica b log ----\n" << b_->log();
    std::cerr << "---- redis log ----\n" << redis_.log();
  }

  RedisServer redis_;
  TempDir dir_a_, dir_b_;
  std::unique_ptr<Daemon> a_, b_;
};

TEST_F(Replicas, TheSameDeliveryIdPostedToBothIsAcceptedOnceAndDeliveredOncePerHandler) {
  FakeHttpServer sink1, sink2;
  start_two(replica_config(redis_.url(), "",
                           http_handler("one", sink1) + http_handler("two", sink2)));
  constexpr int kIds = 50;
  std::vector<HttpResult> from_a(kIds), from_b(kIds);
  std::barrier sync(2);  // both replicas get each id at the same moment
  auto poster = [&](const Daemon& d, std::vector<HttpResult>& out) {
    for (int i = 0; i < kIds; ++i) {
      std::string id = "rep-" + std::to_string(i);
      sync.arrive_and_wait();
      out[i] = post_signed(d.port(), sample_reply_body(id), kSecret, id);
    }
  };
  std::thread ta(poster, std::cref(*a_), std::ref(from_a));
  std::thread tb(poster, std::cref(*b_), std::ref(from_b));
  ta.join();
  tb.join();

  std::set<std::string> want;
  for (int i = 0; i < kIds; ++i) {
    std::string id = "rep-" + std::to_string(i);
    want.insert(id);
    EXPECT_EQ(from_a[i].status, 200u) << id << " " << from_a[i].body;
    EXPECT_EQ(from_b[i].status, 200u) << id << " " << from_b[i].body;
    // exactly one replica accepted it, the other saw a duplicate
    std::multiset<std::string> bodies{from_a[i].body, from_b[i].body};
    EXPECT_EQ(bodies, (std::multiset<std::string>{R"({"received":true})",
                                                 R"({"status":"already_processed"})"}))
        << id;
  }
  ASSERT_TRUE(sink1.wait_for_count(kIds, std::chrono::seconds(15)));
  ASSERT_TRUE(sink2.wait_for_count(kIds, std::chrono::seconds(15)));
  // nothing more comes: one delivery per id and handler, across both replicas
  EXPECT_FALSE(sink1.wait_for_count(kIds + 1, std::chrono::milliseconds(1500)));
  EXPECT_FALSE(sink2.wait_for_count(kIds + 1, std::chrono::milliseconds(0)));
  for (auto* sink : {&sink1, &sink2}) {
    auto n = count_by_id(sink->requests());
    EXPECT_EQ(n.size(), static_cast<std::size_t>(kIds));
    for (const auto& id : want) EXPECT_EQ(n[id], 1) << id;
  }
  for (const auto& r : sink1.requests()) EXPECT_EQ(r.target, "/one");
  for (const auto& r : sink2.requests()) EXPECT_EQ(r.target, "/two");
}

TEST_F(Replicas, WorkClaimedByAKilledReplicaIsDeliveredByTheOtherAfterTheLease) {
  FakeHttpServer sink([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.delay = std::chrono::milliseconds(1500);  // slow: a's attempts are in flight when it dies
    return r;
  });
  auto config = replica_config(redis_.url(), ", lease: 2s", http_handler("slow", sink));
  a_ = std::make_unique<Daemon>(dir_a_, config);
  b_ = std::make_unique<Daemon>(dir_b_, config);
  a_->start();  // only a runs while the events come in: it claims them, b starts later
  constexpr int kIds = 12;
  std::set<std::string> want;
  for (int i = 1; i <= kIds; ++i) {
    std::string id = "held-" + std::to_string(i);
    want.insert(id);
    ASSERT_EQ(post_signed(a_->port(), sample_reply_body(id), kSecret, id).status, 200u) << id;
  }
  ASSERT_TRUE(sink.wait_for_count(1, std::chrono::seconds(10)));  // a's attempts are under way
  a_->kill9();
  // What reached the sink less than the sink's delay ago was still waiting for its answer when
  // a died: a never recorded it as delivered, so it must be attempted again, by b, once a's
  // lease ran out. (b starts only now, so every attempt so far was a's.)
  auto killed_at = std::chrono::steady_clock::now();
  std::set<std::string> in_flight;
  for (const auto& r : sink.requests()) {
    if (killed_at - r.arrived < std::chrono::milliseconds(1400)) in_flight.insert(r.header("x-request-id"));
  }
  ASSERT_FALSE(in_flight.empty());
  b_->start();
  // every id arrives (duplicates allowed), and each of a's unanswered attempts is made again
  EXPECT_TRUE(eventually([&] {
    auto n = count_by_id(sink.requests());
    for (const auto& id : want) {
      if (n[id] < (in_flight.count(id) ? 2 : 1)) return false;
    }
    return true;
  }, std::chrono::seconds(40))) << "in flight at the kill: " << in_flight.size() << ", arrived: "
                                << ids_of(sink.requests()).size() << " of " << kIds;
}

TEST_F(Replicas, ALiveReplicaRenewsItsLeaseSoASlowAttemptIsNeverTakenOver) {
  // each attempt takes longer than the lease; the replica holding it renews the lease, so the
  // other replica never takes it over: one attempt per id
  FakeHttpServer sink([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.delay = std::chrono::milliseconds(3500);
    return r;
  });
  start_two(replica_config(redis_.url(), ", lease: 2s", http_handler("slow", sink)));
  constexpr int kIds = 4;
  for (int i = 1; i <= kIds; ++i) {
    std::string id = "renew-" + std::to_string(i);
    ASSERT_EQ(post_signed(i % 2 ? a_->port() : b_->port(), sample_reply_body(id), kSecret, id).status, 200u);
  }
  ASSERT_TRUE(sink.wait_for_count(kIds, std::chrono::seconds(15)));
  // longer than two leases past the last attempt's start: a takeover would have shown by now
  EXPECT_FALSE(sink.wait_for_count(kIds + 1, std::chrono::milliseconds(6000)));
  for (const auto& [id, n] : count_by_id(sink.requests())) EXPECT_EQ(n, 1) << id;
}

}  // namespace
}  // namespace slwd::testing
