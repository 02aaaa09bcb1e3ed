// The log audit's scanner must be able to fail: secrets and email addresses planted in a
// synthetic audit directory are found where they are, and only there.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "audit/audit_record.hpp"
#include "audit/scanner.hpp"
#include "slwd/config/loader.hpp"

namespace slwd::audit {
namespace {

namespace fs = std::filesystem;

class AuditDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("slwd-audit-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path daemon(const std::string& name, const nlohmann::json& snapshot) {
    fs::path dir = root_ / name;
    fs::create_directories(dir);
    append_json_line((dir / "secrets.jsonl").string(), snapshot);
    return dir;
  }
  static void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::app) << text;
  }
  static nlohmann::json snapshot(std::vector<std::pair<std::string, std::string>> secrets, bool redact) {
    nlohmann::json j{{"redact_emails", redact}, {"secrets", nlohmann::json::array()}};
    for (auto& [kind, value] : secrets) j["secrets"].push_back({{"kind", kind}, {"value", value}});
    return j;
  }
  static nlohmann::json answer(unsigned status, const std::string& body, const std::string& target = "") {
    return {{"status", status}, {"body", body}, {"target", target}, {"headers", nlohmann::json::object()}};
  }

  fs::path root_;
};

TEST_F(AuditDir, ACleanRecordingHasNoFindings) {
  auto dir = daemon("clean", snapshot({{"endpoint secret", "planted-secret-1"}}, true));
  write(dir / "daemon.log", R"({"level":"info","msg":"event","lead_email":"***@example.com"})" "\n");
  append_json_line((dir / "responses.jsonl").string(), answer(401, R"({"error":"invalid signature"})"));
  auto report = scan_audit_root(root_.string());
  EXPECT_TRUE(report.findings.empty());
  EXPECT_EQ(report.daemons, 1u);
  EXPECT_EQ(report.secrets, 1u);
  EXPECT_EQ(report.redacting, 1u);
}

TEST_F(AuditDir, APlantedSecretInALogLineIsFoundWithItsLineAndKind) {
  auto dir = daemon("leaky", snapshot({{"hubspot handler crm token", "pat-na1-planted"}}, false));
  write(dir / "daemon.log", "line one\nBearer pat-na1-planted refused\n");
  auto report = scan_audit_root(root_.string());
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].where, (dir / "daemon.log").string() + ":2");
  EXPECT_EQ(report.findings[0].what, "hubspot handler crm token pa…(15 chars)");
  // the report never repeats the secret it found
  EXPECT_EQ(report.findings[0].what.find("pat-na1-planted"), std::string::npos);
}

TEST_F(AuditDir, SecretsInErrorBodiesMetricsHeadersAndStdoutAreFound) {
  auto dir = daemon("bodies", snapshot({{"admin token", "admin-planted"}, {"redis password", "redis-planted"}}, false));
  append_json_line((dir / "responses.jsonl").string(), answer(503, "down: redis-planted"));
  append_json_line((dir / "responses.jsonl").string(), answer(200, "x{token=\"admin-planted\"} 1", "/metrics"));
  auto with_header = answer(401, "");
  with_header["headers"]["www-authenticate"] = "Bearer admin-planted";
  append_json_line((dir / "responses.jsonl").string(), with_header);
  write(dir / "daemon.out", "redis-planted\n");
  EXPECT_EQ(scan_audit_root(root_.string()).findings.size(), 4u);
}

TEST_F(AuditDir, SecretsFromEverySnapshotCountAndShortOnesAreSkipped) {
  auto dir = daemon("reloaded", snapshot({{"endpoint secret", "x"}}, false));
  append_json_line((dir / "secrets.jsonl").string(), snapshot({{"endpoint secret", "after-sighup"}}, false));
  append_json_line((dir / "secrets.jsonl").string(), nlohmann::json{{"error", "bogus_key"}});
  write(dir / "daemon.log", "x marks the spot\nafter-sighup\n");
  auto report = scan_audit_root(root_.string());
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].where, (dir / "daemon.log").string() + ":2");
  EXPECT_EQ(report.short_secrets, 1u);
}

TEST_F(AuditDir, WithRedactionAnyEmailInALogLineErrorBodyOrMetricIsAFinding) {
  auto dir = daemon("emails", snapshot({}, true));
  write(dir / "daemon.log", R"({"lead_email":"jane.doe+x@example.com"})" "\n" R"({"lead_email":"***@example.com"})" "\n");
  append_json_line((dir / "responses.jsonl").string(), answer(400, "invalid payload near bob@corp.io"));
  append_json_line((dir / "responses.jsonl").string(), answer(200, "lead{email=\"eve@x.org\"} 1", "/metrics"));
  // a 2xx admin answer (GET /dlq lists events) may hold the lead's address
  append_json_line((dir / "responses.jsonl").string(), answer(200, R"([{"to_email":"ok@example.com"}])"));
  auto report = scan_audit_root(root_.string());
  ASSERT_EQ(report.findings.size(), 3u);
  EXPECT_EQ(report.findings[0].what, "email address j…@example.com");
}

TEST_F(AuditDir, WithoutRedactionEmailsAreAllowed) {
  auto dir = daemon("plain", snapshot({}, false));
  write(dir / "daemon.log", R"({"lead_email":"jane@example.com"})" "\n");
  EXPECT_TRUE(scan_audit_root(root_.string()).findings.empty());
}

TEST_F(AuditDir, ADaemonWithoutAConfigSnapshotIsAFinding) {
  fs::create_directories(root_ / "unrecorded");
  write(root_ / "unrecorded" / "daemon.log", "hello\n");
  auto report = scan_audit_root(root_.string());
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_NE(report.findings[0].what.find("no config snapshot"), std::string::npos);
}

TEST(EmailAddresses, FindsAddressesNotRedactedOnesOrLookalikes) {
  EXPECT_EQ(email_addresses("to jane@example.com, and x.y+z@sub.corp.io."),
            (std::vector<std::string>{"jane@example.com", "x.y+z@sub.corp.io"}));
  EXPECT_TRUE(email_addresses("***@example.com").empty());
  EXPECT_TRUE(email_addresses("@example.com user@ a@b c@d.1 boost@1.81").empty());
}

TEST(SecretsOf, TakesEveryKindSpecSection3CallsSecretBearing) {
  auto loaded = config::load_config_text(R"(
admin: { token: "admin-tok" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["sig-one", "sig-two"]
store:
  type: redis
  redis: { url: "redis://:redis-pw@127.0.0.1:6379/0" }
handlers:
  - { name: slack, type: slack, url: "https://hooks.slack.com/services/T1/B2/tok3n" }
  - { name: crm, type: hubspot, token: "pat-hub" }
  - { name: fwd, type: http, url: "https://user:fwd-pw@example.com/", secret: "fwd-sig" }
)", "test.yaml", [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  std::map<std::string, std::string> by_value;
  for (const auto& s : secrets_of(*loaded.config)) by_value[s.value] = s.kind;
  EXPECT_EQ(by_value["sig-one"], "endpoint secret");
  EXPECT_EQ(by_value["sig-two"], "endpoint secret");
  EXPECT_EQ(by_value["admin-tok"], "admin token");
  EXPECT_EQ(by_value["redis-pw"], "redis password");
  EXPECT_EQ(by_value["/services/T1/B2/tok3n"], "slack handler slack url path");
  EXPECT_EQ(by_value["pat-hub"], "hubspot handler crm token");
  EXPECT_EQ(by_value["fwd-pw"], "http handler fwd url password");
  EXPECT_EQ(by_value["fwd-sig"], "http handler fwd secret");
  EXPECT_EQ(by_value.count("/"), 0u);  // a bare "/" path is no credential
}

}  // namespace
}  // namespace slwd::audit
