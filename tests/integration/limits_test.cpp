// Limits and failure modes of the receiver: connection cap, a hung store, one daemon per store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>

#include "harness.hpp"

namespace slwd::testing {
namespace {

constexpr const char* kSecret = "test-secret";

std::string config_with(const std::string& server_extra) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 1
)" + server_extra + R"(
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - name: audit
    type: file
    path: "{{DIR}}/events.jsonl"
logging: { level: debug, format: text }
)";
}

std::string signed_request(const std::string& id) {
  std::string body = sample_reply_body(id);
  return "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id +
         "\r\nX-Smartlead-Signature: " + sign(kSecret, body) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(Limits, AboveMaxConnectionsAcceptingPausesUntilASlotFrees) {
  TempDir dir;
  Daemon daemon(dir, config_with("  max_connections: 2\n  idle_timeout: 30s\n"));
  daemon.start();  // its readiness probe connected and left: both slots are free again
  ASSERT_TRUE(eventually([&] {
    auto r = http_request(daemon.admin_port(), "GET", "/healthz", "");
    return r.status == 200;
  }));
  auto a = std::make_unique<RawConnection>(daemon.port());
  auto b = std::make_unique<RawConnection>(daemon.port());
  a->send(signed_request("mc-a"));
  b->send(signed_request("mc-b"));
  ASSERT_EQ(a->read_responses(1).size(), 1u);
  ASSERT_EQ(b->read_responses(1).size(), 1u);
  // a and b stay open (keep-alive): a third connection is queued by the kernel, not served
  RawConnection c(daemon.port());
  c.send(signed_request("mc-c"));
  EXPECT_TRUE(c.read_responses(1, std::chrono::milliseconds(700)).empty());
  a.reset();  // a slot frees: c is accepted and answered
  auto answered = c.read_responses(1, std::chrono::seconds(5));
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0].status, 200u);
}

TEST(Limits, AHungStoreAnswers503WithinThreeSecondsAndRecovers) {
  TempDir dir;
  Daemon daemon(dir, config_with(""));
  daemon.start();
  ASSERT_EQ(post_signed(daemon.port(), sample_reply_body("before"), kSecret, "h-0").status, 200u);

  // Another process holds SQLite's write lock: the daemon's commit cannot finish.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("store.db").c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);  // the daemon may be mid-commit (its delivery lane) right now
  ASSERT_EQ(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  auto started = std::chrono::steady_clock::now();
  auto r = post_signed(daemon.port(), sample_reply_body("stuck"), kSecret, "h-1");
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.headers["retry-after"], "60");
  EXPECT_EQ(r.body, R"({"error":"temporarily unavailable"})");
  EXPECT_LT(took, std::chrono::seconds(3));

  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  // SmartLead's retry of the same delivery succeeds once the store is back (or is a duplicate,
  // when the first attempt's commit went through late): either way it is recorded exactly once.
  EXPECT_TRUE(eventually([&] {
    auto again = post_signed(daemon.port(), sample_reply_body("stuck"), kSecret, "h-1");
    return again.status == 200u;
  }, std::chrono::seconds(15)));
  EXPECT_TRUE(eventually([&] {
    return http_request(daemon.admin_port(), "GET", "/readyz", "").status == 200u;
  }, std::chrono::seconds(15)));
  EXPECT_TRUE(eventually([&] {
    int n = 0;
    for (const auto& line : read_lines(dir.file("events.jsonl"))) {
      n += line.find("\"delivery_id\":\"h-1\"") != std::string::npos;
    }
    return n == 1;
  }));
}

TEST(Limits, ASecondDaemonOnTheSameStoreRefusesToStart) {
  TempDir dir;
  Daemon first(dir, config_with(""));
  first.start();
  auto second = run_cli({"serve", "--config", first.config_path()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another smartlead-webhookd is already serving"), std::string::npos)
      << second.err;
  // the operator tools still work beside the running daemon
  auto dlq = run_cli({"dlq", "list", "--config", first.config_path(), "--json"});
  EXPECT_EQ(dlq.exit_code, 0) << dlq.err;
  EXPECT_EQ(dlq.out, "[]\n");
}

TEST(Limits, ToolsNamedAStoreThatDoesNotExistSaySo) {
  TempDir dir;
  Daemon never_started(dir, config_with(""));
  auto r = run_cli({"quarantine", "list", "--config", never_started.config_path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no store at"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slwd::testing
