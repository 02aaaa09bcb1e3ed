// ${VAR} substitution (with an injected environment) and <key>_file secrets (with temp files).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "slwd/config/loader.hpp"
#include "test_support.hpp"

namespace slwd::config {
namespace {

using namespace std::chrono_literals;
using test::load;
using test::messages;

std::vector<std::string> at(std::initializer_list<std::string> lines) {
  std::vector<std::string> out;
  for (const auto& line : lines) out.push_back("test.yaml:" + line);
  return out;
}

TEST(EnvTest, SubstitutesBeforeTyping) {
  auto result =
      load(R"(
server:
  threads: ${THREADS}
  max_body: ${BODY:-64KiB}
  listen: "${HOST:-127.0.0.1}:${PORT}"
delivery:
  workers: ${WORKERS:-3}
  timeout: ${TIMEOUT}
endpoints:
  - path: /a
    secrets: ["${S}"]
    require_signature: ${REQUIRE:-true}
handlers: [{name: l, type: log}]
)",
           {{"THREADS", "2"}, {"PORT", "8181"}, {"TIMEOUT", "2s"}, {"S", "sek"}, {"REQUIRE", ""}});
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  EXPECT_EQ(result.config->server.threads, 2u);
  EXPECT_EQ(result.config->server.max_body, 64u * 1024);
  EXPECT_EQ(result.config->server.listen, "127.0.0.1:8181");
  EXPECT_EQ(result.config->delivery.workers, 3u);
  EXPECT_EQ(result.config->delivery.timeout, 2s);
  EXPECT_EQ(result.config->endpoints[0].secrets, std::vector<std::string>{"sek"});
  EXPECT_TRUE(result.config->endpoints[0].require_signature);  // empty -> default via :-
}

TEST(EnvTest, SeveralPerScalarEscapesAndNoRescan) {
  auto result = load("admin:\n  token: \"${A}-${B:-x}-${C:-}-${E}-$${LIT}-$HOME-${R}\"\n" +
                         std::string(test::kMinimalTail),
                     {{"A", "1"}, {"C", ""}, {"E", ""}, {"R", "${A}"}});
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  // E is set but empty: without a default that is its value. R's value is not substituted again.
  EXPECT_EQ(result.config->admin.token, "1-x---${LIT}-$HOME-${A}");
}

TEST(EnvTest, UnsetVariablesAreErrorsAtTheirLinesAndTypeErrorsAfterSubstitution) {
  auto result = load(R"(
server:
  threads: ${THREADS}
  max_body: ${BODY}
delivery:
  workers: ${MISSING_WORKERS}
endpoints:
  - path: /a
    secrets: ["${SECRET_ONE}", "${SECRET_TWO:-fallback}"]
handlers: [{name: l, type: log}]
)",
                     {{"THREADS", "many"}, {"BODY", "12 parsecs"}});
  EXPECT_EQ(messages(result),
            at({R"(2: server.threads: "many" is not a whole number)",
                R"(3: server.max_body: "12 parsecs" is not a size (use 512, 64KiB, 4MiB))",
                "5: delivery.workers: environment variable MISSING_WORKERS is not set (use "
                "${MISSING_WORKERS:-default} for a fallback)",
                "8: endpoints[0].secrets[0]: environment variable SECRET_ONE is not set (use "
                "${SECRET_ONE:-default} for a fallback)"}));
}

TEST(EnvTest, KeysAreNotSubstituted) {
  auto result =
      load("server:\n  ${KEY}: 1\n" + std::string(test::kMinimalTail), {{"KEY", "threads"}});
  EXPECT_EQ(messages(result), at({R"(2: unknown key "${KEY}" in server)"}));
}

// A private directory of files, removed at the end of the test.
class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("slwd-config-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::string dir() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

TEST_F(FileTest, EverySecretKeyReadsItsFileStrippingOneTrailingNewline) {
  write("admin", "admin-token\n");
  write("redis", "redis://:pw@10.0.0.1:6379/1\r\n");
  write("secrets", "first\n\n  \nsecond\r\nthird");
  write("url", "https://example.com/hook\n");
  write("hsecret", "two-newlines\n\n");
  write("slack", "https://hooks.slack.com/services/T/B/C");
  write("token", "pat-xyz\n");
  auto result = load(R"(
admin: { token_file: "${DIR}/admin" }
store: { redis: { url_file: "${DIR}/redis" } }
server: { tls: { cert_file: /no/such/cert.pem, key_file: /no/such/key.pem } }
endpoints:
  - path: /a
    secrets_file: ${DIR}/secrets
handlers:
  - name: fwd
    type: http
    url_file: ${DIR}/url
    secret_file: ${DIR}/hsecret
  - name: sl
    type: slack
    url_file: ${DIR}/slack
  - name: crm
    type: hubspot
    token_file: ${DIR}/token
)",
                     {{"DIR", dir()}});
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& c = *result.config;
  EXPECT_EQ(c.admin.token, "admin-token");
  EXPECT_EQ(c.store.redis.url, "redis://:pw@10.0.0.1:6379/1");
  EXPECT_EQ(c.endpoints[0].secrets, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(c.handlers[0].url, "https://example.com/hook");
  EXPECT_EQ(c.handlers[0].secret, "two-newlines\n");  // only ONE newline is stripped
  EXPECT_EQ(c.handlers[1].url, "https://hooks.slack.com/services/T/B/C");
  EXPECT_EQ(c.handlers[2].token, "pat-xyz");
  // tls *_file keys are plain paths: never opened by the loader.
  ASSERT_TRUE(c.server.tls);
  EXPECT_EQ(c.server.tls->cert_file, "/no/such/cert.pem");
}

TEST_F(FileTest, BothFormsAtOnceIsAnErrorAtTheLaterKey) {
  auto path = write("s", "x\n");
  auto result = load(R"(
admin:
  token_file: ${F}
  token: inline
endpoints:
  - path: /a
    secrets: [inline]
    secrets_file: ${F}
handlers:
  - name: fwd
    type: http
    url: https://a.example
    url_file: ${F}
    secret_file: ${F}
    secret: inline
  - name: crm
    type: hubspot
    token: inline
    token_file: ${F}
store:
  redis:
    url_file: ${F}
    url: redis://h:1/0
)",
                     {{"F", path}});
  EXPECT_EQ(messages(result),
            at({R"(3: admin.token: both "token" and "token_file" are given; use one)",
                R"(7: endpoints[0].secrets: both "secrets" and "secrets_file" are given; use one)",
                R"(12: handlers[0].url: both "url" and "url_file" are given; use one)",
                R"(14: handlers[0].secret: both "secret" and "secret_file" are given; use one)",
                R"(18: handlers[1].token: both "token" and "token_file" are given; use one)",
                R"(22: store.redis.url: both "url" and "url_file" are given; use one)"}));
}

TEST_F(FileTest, MissingOrUnreadableFilesNameThePath) {
  auto result = load(R"(
admin: { token_file: "${DIR}/nope" }
endpoints:
  - path: /a
    secrets_file: ${DIR}
handlers:
  - name: crm
    type: hubspot
    token_file: ""
)",
                     {{"DIR", dir()}});
  EXPECT_EQ(
      messages(result),
      at({R"(1: admin.token_file: cannot read ")" + dir() + R"(/nope": No such file or directory)",
          R"(4: endpoints[0].secrets_file: cannot read ")" + dir() + R"(": is a directory)",
          "8: handlers[0].token_file: must not be empty"}));
}

TEST_F(FileTest, SecretContentNeverAppearsInMessages) {
  write("url", "SECRET-NOT-A-URL\n");
  write("redis", "SECRET-NOT-REDIS\n");
  write("empty-token", "\n");
  write("blank-secrets", "\n  \n");
  auto result = load(R"(
store: { redis: { url_file: "${DIR}/redis" } }
endpoints:
  - path: /a
    secrets_file: ${DIR}/blank-secrets
handlers:
  - name: fwd
    type: http
    url_file: ${DIR}/url
  - name: crm
    type: hubspot
    token_file: ${DIR}/empty-token
)",
                     {{"DIR", dir()}});
  EXPECT_EQ(
      messages(result),
      at({"1: store.redis.url: not a Redis URL (use redis://HOST:PORT/DB, rediss://... or "
          "unix:///path)",
          "4: endpoints[0]: require_signature is true but no secret is configured (set secrets or "
          "secrets_file, or require_signature: false)",
          "8: handlers[0].url: not an http(s) URL", "11: handlers[1].token: must not be empty"}));
  for (const auto& line : messages(result)) EXPECT_EQ(line.find("SECRET-"), std::string::npos);
}

TEST_F(FileTest, FileKeysOnlyExistForSecretBearingKeys) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - name: f
    type: file
    path_file: /x
  - name: fwd
    type: http
    url: https://a.example
    headers_file: /x
)");
  EXPECT_EQ(messages(result), at({R"(3: handlers[0]: missing required key "path" for type file)",
                                  R"(5: unknown key "path_file" in handlers[0])",
                                  R"(9: unknown key "headers_file" in handlers[1])"}));
}

TEST(LoadFileTest, UnreadableConfigFileHasNoLine) {
  auto result = load_config_file("/no/such/dir/config.yaml", test::env_of({}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "/no/such/dir/config.yaml: cannot read config file: No such file or directory");
}

}  // namespace
}  // namespace slwd::config
