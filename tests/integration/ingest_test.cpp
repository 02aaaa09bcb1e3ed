// End-to-end ingest on each store (sqlite, redis): the real binary, real sockets, real files.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "store_param.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::testing {
namespace {

constexpr const char* kSecret = "test-secret";

std::string config(const std::string& store_block) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 2
  max_body: 64KiB
  header_timeout: 2s
  body_timeout: 2s
  idle_timeout: 6s
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret", "old-secret"]
    handlers: [all]
  - path: /webhooks/unsigned
    require_signature: false
    handlers: [audit]
store:
)" + store_block + R"(handlers:
  - name: audit
    type: file
    path: "{{DIR}}/events.jsonl"
  - name: log
    type: log
logging: { level: debug, format: json }
)";
}

class Ingest : public StoreParamTest {
 protected:
  void SetUp() override {
    StoreParamTest::SetUp();
    daemon_ = std::make_unique<Daemon>(dir_, config(store_block()));
    daemon_->start();
  }
  void TearDown() override {
    if (HasFailure() && daemon_) std::cerr << "---- daemon log ----\n" << daemon_->log();
    StoreParamTest::TearDown();
  }

  std::string events_path() const { return dir_.file("events.jsonl"); }

  // The lines of the file handler whose delivery_id is `id`.
  std::vector<nlohmann::json> lines_for(const std::string& id) const {
    std::vector<nlohmann::json> out;
    for (const auto& line : read_lines(events_path())) {
      auto j = nlohmann::json::parse(line);
      if (j.at("delivery_id") == id) out.push_back(j);
    }
    return out;
  }

  bool delivered(const std::string& id) const { return !lines_for(id).empty(); }

  // Posts a fresh event and waits for its line: everything recorded before it was delivered
  // before it too (one lane, oldest first), so counts taken afterwards are final.
  void flush_deliveries() {
    static int n = 0;
    std::string id = "flush-" + std::to_string(++n);
    ASSERT_EQ(post_signed(daemon_->port(), sample_reply_body(id), kSecret, id).status, 200u);
    ASSERT_TRUE(eventually([&] { return delivered(id); }));
  }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_P(Ingest, SignedPostIsAcknowledgedThenWrittenByTheFileHandler) {
  auto r = post_signed(daemon_->port(), sample_reply_body("first"), kSecret, "d-1");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"received":true})");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  ASSERT_TRUE(eventually([&] { return delivered("d-1"); }));
  auto line = lines_for("d-1").at(0);
  EXPECT_EQ(line["event_type"], "EMAIL_REPLY");
  EXPECT_EQ(line["endpoint"], "/webhooks/smartlead");
  EXPECT_TRUE(line["level"].is_null());
  EXPECT_EQ(line["event"]["reply_message"]["text"], "first");
  EXPECT_EQ(line["event"]["campaign_id"], 123);
  EXPECT_EQ(line["received_at"].get<std::string>().size(), 24u);  // 2026-11-27T08:00:00.000Z
  // the log handler saw it too
  EXPECT_TRUE(eventually([&] { return daemon_->log().find("\"delivery_id\":\"d-1\"") != std::string::npos; }));
}

TEST_P(Ingest, SameDeliveryIdIsAlreadyProcessedAndWrittenOnce) {
  ASSERT_EQ(post_signed(daemon_->port(), sample_reply_body("a"), kSecret, "dup-1").status, 200u);
  auto again = post_signed(daemon_->port(), sample_reply_body("b"), kSecret, "dup-1");
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(again.body, R"({"status":"already_processed"})");
  flush_deliveries();
  EXPECT_EQ(lines_for("dup-1").size(), 1u);
}

TEST_P(Ingest, WithoutRequestIdTheBodyHashIsTheDeliveryId) {
  std::string body = sample_reply_body("no-id");
  EXPECT_EQ(post_signed(daemon_->port(), body, kSecret, std::nullopt).body, R"({"received":true})");
  EXPECT_EQ(post_signed(daemon_->port(), body, kSecret, std::nullopt).body,
            R"({"status":"already_processed"})");
  // dedupe_body (default true): the same body under a new id is a duplicate too
  EXPECT_EQ(post_signed(daemon_->port(), body, kSecret, "new-id").body,
            R"({"status":"already_processed"})");
  std::string id = "sha256:" + security::sha256_hex(body);
  ASSERT_TRUE(eventually([&] { return delivered(id); }));
  flush_deliveries();
  EXPECT_EQ(lines_for(id).size(), 1u);
  EXPECT_FALSE(delivered("new-id"));
}

TEST_P(Ingest, RotatedSecretAndLevelAreAccepted) {
  std::string body = sample_reply_body("rotated");
  auto r = http_request(daemon_->port(), "POST", "/webhooks/smartlead", body,
                        {{"X-Smartlead-Signature", sign("old-secret", body)},
                         {"X-Request-Id", "rot-1"},
                         {"X-Webhook-Level", "Campaign"}});
  EXPECT_EQ(r.status, 200u);
  ASSERT_TRUE(eventually([&] { return delivered("rot-1"); }));
  EXPECT_EQ(lines_for("rot-1").at(0)["level"], "campaign");
}

TEST_P(Ingest, RefusalsGetTheStatusesOfSpecSection4) {
  auto port = daemon_->port();
  std::string body = sample_reply_body("refused");
  std::string sig = sign(kSecret, body);

  auto not_found = post_signed(port, body, kSecret, "r-404", "/nope");
  EXPECT_EQ(not_found.status, 404u);
  EXPECT_EQ(not_found.body, R"({"error":"not found"})");

  auto wrong_method = http_request(port, "GET", "/webhooks/smartlead", "");
  EXPECT_EQ(wrong_method.status, 405u);
  EXPECT_EQ(wrong_method.headers["allow"], "POST");

  auto too_large = post_signed(port, std::string(70 * 1024, 'x'), kSecret, "r-413");
  EXPECT_EQ(too_large.status, 413u);
  EXPECT_EQ(too_large.body, R"({"error":"payload too large"})");

  auto bad_sig = post_signed(port, body, "wrong-secret", "r-401");
  EXPECT_EQ(bad_sig.status, 401u);
  EXPECT_EQ(bad_sig.body, R"({"error":"invalid signature"})");
  EXPECT_EQ(bad_sig.body.find(sig.substr(7)), std::string::npos);

  auto no_sig = http_request(port, "POST", "/webhooks/smartlead", body, {{"X-Request-Id", "r-401b"}});
  EXPECT_EQ(no_sig.status, 401u);

  auto invalid = post_signed(port, R"({"event_type":"EMAIL_REPLY",})", kSecret, "r-400");
  EXPECT_EQ(invalid.status, 400u);
  EXPECT_EQ(invalid.body.rfind(R"({"error":"invalid payload: )", 0), 0u) << invalid.body;

  auto no_type = post_signed(port, R"({"campaign_id":1})", kSecret, "r-400b");
  EXPECT_EQ(no_type.status, 400u);

  // The invalid bodies are in the quarantine, with their delivery ids.
  auto q = run_cli({"quarantine", "list", "--config", daemon_->config_path(), "--json"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  auto entries = nlohmann::json::parse(q.out);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]["delivery_id"], "r-400");
  EXPECT_EQ(entries[0]["body"], R"({"event_type":"EMAIL_REPLY",})");
  EXPECT_EQ(entries[0]["endpoint"], "/webhooks/smartlead");
  EXPECT_EQ(entries[1]["delivery_id"], "r-400b");

  // None of the refused requests consumed a delivery id: the same ids now succeed.
  EXPECT_EQ(post_signed(port, body, kSecret, "r-401").status, 200u);
  EXPECT_EQ(post_signed(port, sample_reply_body("again"), kSecret, "r-400").body, R"({"received":true})");
}

TEST_P(Ingest, MalformedFramingClosesTheConnectionAndDropsWhatWasPipelinedBehindIt) {
  std::string body = sample_reply_body("smuggled");
  std::string valid = "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nX-Request-Id: smuggled-1\r\n"
                      "X-Smartlead-Signature: " + sign(kSecret, body) +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  struct Case {
    std::string head;
    unsigned status;
  };
  std::vector<Case> cases = {
      {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", 400},
      {"Content-Length: 5\r\nContent-Length: 5\r\n", 400},
      {"Content-Length: abc\r\n", 400},
      {"Transfer-Encoding: gzip\r\n", 501},
      {"Transfer-Encoding: chunked, chunked\r\n", 400},
  };
  for (const auto& c : cases) {
    RawConnection conn(daemon_->port());
    conn.send("POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\n" + c.head + "\r\n0\r\n\r\n" + valid);
    auto responses = conn.read_responses(2, std::chrono::seconds(3));
    ASSERT_EQ(responses.size(), 1u) << c.head;
    EXPECT_EQ(responses[0].status, c.status) << c.head;
    EXPECT_TRUE(conn.closed_within(std::chrono::seconds(3))) << c.head;
  }
  {  // chunked on HTTP/1.0
    RawConnection conn(daemon_->port());
    conn.send("POST /webhooks/smartlead HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    auto responses = conn.read_responses(1);
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 400u);
  }
  {  // a chunk-size line over 4 KiB
    RawConnection conn(daemon_->port());
    conn.send("POST /webhooks/smartlead HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;" +
              std::string(5000, 'a') + "\r\nhello\r\n0\r\n\r\n");
    auto responses = conn.read_responses(1);
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 400u);
  }
  {  // 431: a head over 16 KiB
    RawConnection conn(daemon_->port());
    conn.send("POST /webhooks/smartlead HTTP/1.1\r\nX-Big: " + std::string(17000, 'a') + "\r\n\r\n");
    auto responses = conn.read_responses(1);
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 431u);
    EXPECT_TRUE(conn.closed_within(std::chrono::seconds(3)));
  }
  flush_deliveries();
  EXPECT_FALSE(delivered("smuggled-1"));
}

TEST_P(Ingest, ChunkedBodiesAreAccepted) {
  std::string body = sample_reply_body("chunked");
  RawConnection conn(daemon_->port());
  std::string head = "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nX-Request-Id: chunk-1\r\n"
                     "X-Smartlead-Signature: " + sign(kSecret, body) +
                     "\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string first = body.substr(0, 10), rest = body.substr(10);
  auto hex = [](std::size_t n) {
    char b[16];
    std::snprintf(b, sizeof b, "%zx", n);
    return std::string(b);
  };
  conn.send(head + hex(first.size()) + "\r\n" + first + "\r\n" + hex(rest.size()) + ";ext=1\r\n" +
            rest + "\r\n0\r\nX-Trailer: yes\r\n\r\n");
  auto responses = conn.read_responses(1);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 200u);
  ASSERT_TRUE(eventually([&] { return delivered("chunk-1"); }));
  EXPECT_EQ(lines_for("chunk-1")[0]["event"]["reply_message"]["text"], "chunked");
}

TEST_P(Ingest, KeepAliveAndPipeliningAnswerInOrderOnOneConnection) {
  auto request = [&](const std::string& id, const std::string& target) {
    std::string body = sample_reply_body(id);
    return "POST " + target + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id +
           "\r\nX-Smartlead-Signature: " + sign(kSecret, body) +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  RawConnection conn(daemon_->port());
  // a 404 and a 401 keep the connection open too (SPEC §4)
  conn.send(request("p-1", "/webhooks/smartlead") + request("p-2", "/missing") +
            request("p-3", "/webhooks/smartlead") + request("p-1", "/webhooks/smartlead"));
  auto responses = conn.read_responses(4);
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0].body, R"({"received":true})");
  EXPECT_EQ(responses[1].status, 404u);
  EXPECT_EQ(responses[2].body, R"({"received":true})");
  EXPECT_EQ(responses[3].body, R"({"status":"already_processed"})");
  std::string bad = sample_reply_body("bad");
  conn.send("POST /webhooks/smartlead HTTP/1.1\r\nX-Smartlead-Signature: sha256=00\r\nContent-Length: " +
            std::to_string(bad.size()) + "\r\n\r\n" + bad + request("p-4", "/webhooks/smartlead"));
  responses = conn.read_responses(2);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 401u);
  EXPECT_EQ(responses[1].status, 200u);
}

TEST_P(Ingest, UnsignedEndpointAcceptsWithoutSignature) {
  auto r = http_request(daemon_->port(), "POST", "/webhooks/unsigned", sample_reply_body("u"),
                        {{"X-Request-Id", "unsigned-1"}});
  EXPECT_EQ(r.status, 200u);
  ASSERT_TRUE(eventually([&] { return delivered("unsigned-1"); }));
  EXPECT_EQ(lines_for("unsigned-1")[0]["endpoint"], "/webhooks/unsigned");
}

TEST_P(Ingest, HeaderTimeoutClosesASlowHeadButIdleKeepAliveLastsLonger) {
  RawConnection slow(daemon_->port());
  slow.send("POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\n");  // never finished
  EXPECT_TRUE(slow.closed_within(std::chrono::seconds(5)));

  RawConnection idle(daemon_->port());
  std::string body = sample_reply_body("idle");
  idle.send("POST /webhooks/smartlead HTTP/1.1\r\nX-Request-Id: idle-1\r\nX-Smartlead-Signature: " +
            sign(kSecret, body) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_EQ(idle.read_responses(1).size(), 1u);
  // header_timeout is 2s, idle_timeout 6s: an idle keep-alive connection survives 3s...
  EXPECT_FALSE(idle.closed_within(std::chrono::seconds(3)));
  // ...and is closed once idle_timeout passes.
  EXPECT_TRUE(idle.closed_within(std::chrono::seconds(6)));
}

TEST_P(Ingest, AccessLogHasOneLinePerAnswerWithTheClientBehindATrustedProxy) {
  // the test talks from 127.0.0.1, which the default trusted_proxies trusts
  std::string body = sample_reply_body("access");
  auto r = http_request(daemon_->port(), "POST", "/webhooks/smartlead", body,
                        {{"X-Smartlead-Signature", sign(kSecret, body)},
                         {"X-Request-Id", "acc-1"},
                         {"X-Forwarded-For", "6.6.6.6, 198.51.100.23"}});
  ASSERT_EQ(r.status, 200u);
  ASSERT_EQ(http_request(daemon_->port(), "POST", "/nowhere", "{}").status, 404u);
  std::vector<nlohmann::json> lines;
  ASSERT_TRUE(eventually([&] {
    lines.clear();
    std::istringstream log(daemon_->log());
    for (std::string line; std::getline(log, line);) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("msg", "") == "request") lines.push_back(j);
    }
    return lines.size() >= 2;
  }));
  EXPECT_EQ(lines[0]["client"], "198.51.100.23");
  EXPECT_EQ(lines[0]["status"], "200");
  EXPECT_EQ(lines[0]["delivery_id"], "acc-1");
  EXPECT_EQ(lines[0]["event_type"], "EMAIL_REPLY");
  EXPECT_EQ(lines[0]["path"], "/webhooks/smartlead");
  EXPECT_FALSE(lines[0]["latency_ms"].get<std::string>().empty());
  EXPECT_EQ(lines[1]["status"], "404");
  EXPECT_EQ(lines[1]["client"], "127.0.0.1");
  // never the body
  EXPECT_EQ(daemon_->log().find("\"access\""), std::string::npos);
}

TEST_P(Ingest, AdminPortAnswersHealthAndReadiness) {
  auto health = http_request(daemon_->admin_port(), "GET", "/healthz", "");
  EXPECT_EQ(health.status, 200u);
  auto ready = http_request(daemon_->admin_port(), "GET", "/readyz", "");
  EXPECT_EQ(ready.status, 200u);
  // the admin routes are not on the public port
  EXPECT_EQ(http_request(daemon_->port(), "GET", "/healthz", "").status, 404u);
}

TEST_P(Ingest, SendCommandPostsEverySampleType) {
  for (const char* type : {"EMAIL_SENT", "FIRST_EMAIL_SENT", "EMAIL_OPEN", "EMAIL_LINK_CLICK", "EMAIL_REPLY",
                           "EMAIL_BOUNCE", "LEAD_UNSUBSCRIBED", "LEAD_CATEGORY_UPDATED",
                           "CAMPAIGN_STATUS_CHANGED", "UNTRACKED_REPLIES", "MANUAL_STEP_REACHED"}) {
    auto r = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event", type,
                      "--request-id", std::string("sample-") + type});
    EXPECT_EQ(r.exit_code, 0) << type << r.err;
    EXPECT_EQ(r.out, "sent 1: 200=1\n") << type;
    ASSERT_TRUE(eventually([&] { return delivered(std::string("sample-") + type); })) << type;
    EXPECT_EQ(lines_for(std::string("sample-") + type)[0]["event_type"], type);
  }
  auto many = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event",
                       "EMAIL_OPEN", "--request-id", "batch", "--count", "20", "--concurrency", "4"});
  EXPECT_EQ(many.out, "sent 20: 200=20\n");
  EXPECT_TRUE(eventually([&] { return delivered("batch-1") && delivered("batch-20"); }));
  auto wrong = run_cli({"send", "--url", daemon_->url(), "--secret", "nope", "--event",
                        "EMAIL_OPEN", "--count", "3"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_EQ(wrong.out, "sent 3: 401=3\n");
}

TEST_P(Ingest, KillNineLosesNoAcknowledgedDelivery) {
  auto r = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event", "EMAIL_REPLY",
                    "--request-id", "k9", "--count", "300", "--concurrency", "8"});
  ASSERT_EQ(r.out, "sent 300: 200=300\n") << r.err;
  daemon_->kill9();
  daemon_->start();  // same config, same store
  EXPECT_TRUE(eventually([&] {
    for (int i = 1; i <= 300; ++i) {
      if (!delivered("k9-" + std::to_string(i))) return false;
    }
    return true;
  }, std::chrono::seconds(30)));
  // and the dedupe records survived too
  auto again = post_signed(daemon_->port(), sample_reply_body("x"), kSecret, "k9-7");
  EXPECT_EQ(again.body, R"({"status":"already_processed"})");
}

TEST_P(Ingest, SigtermFinishesInFlightWorkAndExitsZero) {
  auto r = run_cli({"send", "--url", daemon_->url(), "--secret", kSecret, "--event", "EMAIL_OPEN",
                    "--request-id", "term", "--count", "50", "--concurrency", "4"});
  ASSERT_EQ(r.out, "sent 50: 200=50\n");
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_exit(), 0);
  EXPECT_NE(daemon_->log().find("stopped"), std::string::npos);
  daemon_->start();  // whatever was not delivered before the stop is delivered now
  EXPECT_TRUE(eventually([&] { return delivered("term-1") && delivered("term-50"); }));
}

INSTANTIATE_TEST_SUITE_P(Stores, Ingest, kAllStores, store_kind_name);

}  // namespace
}  // namespace slwd::testing
