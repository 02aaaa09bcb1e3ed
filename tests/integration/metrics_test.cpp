// GET /metrics on the admin port against the real binary: the SPEC §7 ingest series count
// exactly what the public port answered.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "harness.hpp"

namespace slwd::testing {
namespace {

constexpr const char* kSecret = "test-secret";

const char* kConfig = R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 2
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
    handlers: [log]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - name: log
    type: log
logging: { level: warn, format: json }
)";

// series (name{labels}) -> value
using Samples = std::map<std::string, double>;

Samples parse_exposition(const std::string& text) {
  Samples out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

// The series of one family (name followed by '{' or ' ').
Samples family(const Samples& all, const std::string& name) {
  Samples out;
  for (const auto& [series, value] : all) {
    if (series == name || series.rfind(name + "{", 0) == 0) out[series] = value;
  }
  return out;
}

double total(const Samples& samples) {
  double sum = 0;
  for (const auto& [_, v] : samples) sum += v;
  return sum;
}

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(dir_, kConfig);
    daemon_->start();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- daemon log ----\n" << daemon_->log();
  }

  Samples scrape(std::string* raw = nullptr) {
    auto r = http_request(daemon_->admin_port(), "GET", "/metrics", "");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4");
    if (raw) *raw = r.body;
    return parse_exposition(r.body);
  }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
};

TEST_F(Metrics, IngestSeriesCountExactlyWhatWasAnswered) {
  auto port = daemon_->port();
  std::string body = sample_reply_body("metrics");
  ASSERT_EQ(post_signed(port, body, kSecret, "m-1").body, R"({"received":true})");
  ASSERT_EQ(post_signed(port, body, kSecret, "m-1").body, R"({"status":"already_processed"})");
  ASSERT_EQ(post_signed(port, body, "wrong-secret", "m-2").status, 401u);
  ASSERT_EQ(post_signed(port, R"({"event_type":"EMAIL_REPLY",})", kSecret, "m-3").status, 400u);
  ASSERT_EQ(post_signed(port, body, kSecret, "m-4", "/nope").status, 404u);

  std::string raw;
  auto s = scrape(&raw);
  EXPECT_EQ(
      family(s, "smartlead_webhook_requests_total"),
      (Samples{
          {R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="200"})", 2},
          {R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="400"})", 1},
          {R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="401"})", 1},
          {R"(smartlead_webhook_requests_total{endpoint="other",status="404"})", 1},
      }))
      << raw;
  EXPECT_EQ(s[R"(smartlead_webhook_events_total{event_type="EMAIL_REPLY"})"], 1);
  EXPECT_EQ(total(family(s, "smartlead_webhook_events_total")), 1);
  EXPECT_EQ(family(s, "smartlead_webhook_events_total").size(),
            12u);  // 11 known + unknown, zeros shown
  EXPECT_EQ(s["smartlead_webhook_duplicates_total"], 1);
  EXPECT_EQ(s["smartlead_webhook_signature_failures_total"], 1);
  EXPECT_EQ(s["smartlead_webhook_quarantined_total"], 1);
  EXPECT_EQ(s["smartlead_webhook_request_duration_seconds_count"], 5);
  EXPECT_EQ(s[R"(smartlead_webhook_request_duration_seconds_bucket{le="+Inf"})"], 5);
  EXPECT_GT(s["smartlead_webhook_request_duration_seconds_sum"], 0);
  EXPECT_LT(s["smartlead_webhook_request_duration_seconds_sum"], 5 * 3.0);  // each within 3 s

  // One HELP and one TYPE per family.
  for (const char* name :
       {"smartlead_webhook_requests_total", "smartlead_webhook_request_duration_seconds"}) {
    std::string help = std::string("# HELP ") + name + " ";
    EXPECT_NE(raw.find(help), std::string::npos) << name;
    EXPECT_EQ(raw.find(help, raw.find(help) + 1), std::string::npos) << name;
  }
  EXPECT_NE(raw.find("# TYPE smartlead_webhook_request_duration_seconds histogram\n"),
            std::string::npos);

  // Process metrics and build info ride along.
  EXPECT_GT(s["process_resident_memory_bytes"], 0);
  EXPECT_GT(s["process_open_fds"], 0);
  EXPECT_GT(s["process_start_time_seconds"], 1.6e9);
  EXPECT_EQ(total(family(s, "smartlead_build_info")), 1);
}

TEST_F(Metrics, LabelsStayBoundedWhateverTheClientSends) {
  auto port = daemon_->port();
  // An unknown event type is accepted (SPEC §4) but counted as "unknown"; an alias as its
  // canonical name.
  ASSERT_EQ(post_signed(port, R"({"event_type":"BRAND_NEW_THING","campaign_id":1})", kSecret, "u-1")
                .status,
            200u);
  ASSERT_EQ(
      post_signed(port, R"({"event_type":"EMAIL_OPENED","campaign_id":1})", kSecret, "u-2").status,
      200u);
  // Paths a client makes up are "other"; a known path keeps its label even when refused.
  ASSERT_EQ(http_request(port, "POST", "/made-up/1?x=y", "{}").status, 404u);
  ASSERT_EQ(http_request(port, "POST", "/made-up/2", "{}").status, 404u);
  ASSERT_EQ(http_request(port, "GET", "/webhooks/smartlead?probe=1", "").status, 405u);
  {
    // Refused before the head is parsed: "other".
    RawConnection conn(port);
    conn.send(
        "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: "
        "1\r\n\r\nx");
    auto responses = conn.read_responses(1);
    ASSERT_EQ(responses.size(), 1u);
    ASSERT_EQ(responses[0].status, 400u);
  }

  std::string raw;
  auto s = scrape(&raw);
  EXPECT_EQ(
      family(s, "smartlead_webhook_requests_total"),
      (Samples{
          {R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="200"})", 2},
          {R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="405"})", 1},
          {R"(smartlead_webhook_requests_total{endpoint="other",status="400"})", 1},
          {R"(smartlead_webhook_requests_total{endpoint="other",status="404"})", 2},
      }))
      << raw;
  EXPECT_EQ(s[R"(smartlead_webhook_events_total{event_type="unknown"})"], 1);
  EXPECT_EQ(s[R"(smartlead_webhook_events_total{event_type="EMAIL_OPEN"})"], 1);
  EXPECT_EQ(raw.find("BRAND_NEW_THING"), std::string::npos);
  EXPECT_EQ(raw.find("made-up"), std::string::npos);
  EXPECT_EQ(s["smartlead_webhook_request_duration_seconds_count"], 6);
}

TEST(MetricsAuth, WithAnAdminTokenMetricsNeedIt) {
  TempDir dir;
  std::string config = kConfig;
  config.replace(config.find("admin:\n"), 7, "admin:\n  token: \"s3cret\"\n");
  Daemon daemon(dir, config);
  daemon.start();
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/metrics", "").status, 401u);
  auto r = http_request(daemon.admin_port(), "GET", "/metrics", "",
                        {{"Authorization", "Bearer s3cret"}});
  EXPECT_EQ(r.status, 200u);
  EXPECT_NE(r.body.find("\nsmartlead_webhook_duplicates_total 0\n"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace slwd::testing
