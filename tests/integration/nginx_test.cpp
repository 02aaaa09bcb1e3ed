// The shipped docker/nginx/smartlead-webhookd.conf in a real nginx (Debian's package) in front of
// the real daemon: TLS terminated by nginx with a certificate made here, signed posts verified
// through the proxy, statuses passed through, the client taken from X-Forwarded-For.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.hpp"

namespace slwd::testing {
namespace {

constexpr const char* kSecret = "test-secret";

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  if (pos == std::string::npos) throw std::runtime_error("nginx conf has no \"" + from + "\"");
  return s.replace(pos, from.size(), to);
}

class BehindNginx : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<Daemon>(dir_, R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  max_body: 4MiB
  trusted_proxies: ["127.0.0.1/32"]
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["test-secret"]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - { name: audit, type: file, path: "{{DIR}}/events.jsonl" }
logging: { level: info, format: json }
)");
    daemon_->start();

    auto cert = run_program({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                             "-keyout", dir_.file("key.pem"), "-out", dir_.file("cert.pem"),
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;

    tls_port_ = free_port();
    std::string site = read_file(std::string(SLWD_SOURCE_DIR) + "/docker/nginx/smartlead-webhookd.conf");
    site = replace_once(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(daemon_->port()) + ";");
    site = replace_once(site, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(tls_port_) + " ssl;");
    site = replace_once(site, "/etc/ssl/smartlead-webhookd/fullchain.pem", dir_.file("cert.pem"));
    site = replace_once(site, "/etc/ssl/smartlead-webhookd/privkey.pem", dir_.file("key.pem"));
    write_file(dir_.file("site.conf"), site);
    std::filesystem::create_directories(dir_.file("tmp"));
    write_file(dir_.file("nginx.conf"),
               "worker_processes 1;\npid " + dir_.file("nginx.pid") + ";\nerror_log " + dir_.file("error.log") +
                   ";\nevents { worker_connections 128; }\nhttp {\n  access_log " + dir_.file("access.log") +
                   ";\n  client_body_temp_path " + dir_.file("tmp") + ";\n  proxy_temp_path " + dir_.file("tmp") +
                   ";\n  fastcgi_temp_path " + dir_.file("tmp") + ";\n  uwsgi_temp_path " + dir_.file("tmp") +
                   ";\n  scgi_temp_path " + dir_.file("tmp") + ";\n  include " + dir_.file("site.conf") + ";\n}\n");
    auto started = run_program({"nginx", "-p", dir_.path().string(), "-c", dir_.file("nginx.conf")});
    ASSERT_EQ(started.exit_code, 0) << started.err << read_file(dir_.file("error.log"));
    nginx_started_ = true;
  }

  void TearDown() override {
    if (nginx_started_) run_program({"nginx", "-p", dir_.path().string(), "-c", dir_.file("nginx.conf"), "-s", "stop"});
    if (HasFailure()) std::cerr << daemon_->log() << read_file(dir_.file("error.log"));
  }

  // POSTs through nginx over TLS from 127.0.0.2 (a client address distinct from nginx's own).
  std::pair<int, std::string> post(const std::string& path, const std::string& body,
                                   const std::vector<std::string>& headers, const std::string& method = "POST") {
    write_file(dir_.file("body"), body);
    std::vector<std::string> argv{"curl", "-sS", "--interface", "127.0.0.2", "--cacert", dir_.file("cert.pem"),
                                  "-o", dir_.file("answer"), "-w", "%{http_code}", "-X", method,
                                  "--data-binary", "@" + dir_.file("body"),
                                  "https://127.0.0.1:" + std::to_string(tls_port_) + path};
    for (const auto& h : headers) {
      argv.push_back("-H");
      argv.push_back(h);
    }
    auto r = run_program(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return {std::atoi(r.out.c_str()), read_file(dir_.file("answer"))};
  }

  TempDir dir_;
  std::unique_ptr<Daemon> daemon_;
  std::uint16_t tls_port_ = 0;
  bool nginx_started_ = false;
};

TEST_F(BehindNginx, SignedPostsVerifyThroughTheProxyAndStatusesPassThrough) {
  std::string body = sample_reply_body("via nginx");
  auto signature = "X-Smartlead-Signature: " + sign(kSecret, body);
  auto ok = post("/webhooks/smartlead", body, {signature, "X-Request-Id: ngx-1"});
  EXPECT_EQ(ok.first, 200);
  EXPECT_EQ(ok.second, R"({"received":true})");
  auto dup = post("/webhooks/smartlead", body, {signature, "X-Request-Id: ngx-1"});
  EXPECT_EQ(dup.first, 200);
  EXPECT_EQ(dup.second, R"({"status":"already_processed"})");
  auto bad = post("/webhooks/smartlead", body, {"X-Smartlead-Signature: sha256=" + std::string(64, '0'),
                                                "X-Request-Id: ngx-2"});
  EXPECT_EQ(bad.first, 401);
  EXPECT_EQ(bad.second, R"({"error":"invalid signature"})");
  EXPECT_EQ(post("/webhooks/other", body, {signature}).first, 404);
  EXPECT_EQ(post("/webhooks/smartlead", "", {}, "GET").first, 405);
  EXPECT_EQ(post("/webhooks/smartlead", "{not json", {"X-Smartlead-Signature: " + sign(kSecret, "{not json")}).first, 400);
  EXPECT_EQ(post("/webhooks/smartlead", std::string(5 * 1024 * 1024, 'x'), {signature}).first, 413);
  EXPECT_EQ(post("/metrics", "", {}, "GET").first, 404);  // the admin routes stay private

  ASSERT_TRUE(eventually([&] { return read_file(dir_.file("events.jsonl")).find("ngx-1") != std::string::npos; }));
  // The daemon names the client behind nginx (127.0.0.2), not nginx itself.
  bool found = false;
  std::istringstream log(daemon_->log());
  for (std::string line; std::getline(log, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("msg", "") == "request" && j.value("delivery_id", "") == "ngx-1") {
      EXPECT_EQ(j["client"], "127.0.0.2");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace slwd::testing
