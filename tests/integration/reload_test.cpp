// SIGHUP (SPEC §8): endpoints, secrets and handlers swap atomically in the running process; a
// config that does not load is logged with FILE:LINE and the running one kept.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness.hpp"
#include "support/fake_http_server.hpp"

namespace slwd::testing {
namespace {

std::string config(const std::string& secret, const std::string& url) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: [")" + secret + R"("]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - { name: forward, type: http, url: ")" + url + R"(" }
logging: { level: info, format: json }
)";
}

std::string with_ports(std::string yaml, const Daemon& d, const TempDir& dir) {
  auto put = [&](const std::string& from, const std::string& to) {
    for (auto pos = yaml.find(from); pos != std::string::npos; pos = yaml.find(from)) yaml.replace(pos, from.size(), to);
  };
  put("{{PORT}}", std::to_string(d.port()));
  put("{{ADMIN_PORT}}", std::to_string(d.admin_port()));
  put("{{DIR}}", dir.path().string());
  return yaml;
}

TEST(Reload, SighupSwapsSecretsAndHandlersInTheRunningProcess) {
  slwd::test::FakeHttpServer old_sink, new_sink;
  TempDir dir;
  Daemon daemon(dir, config("old-secret", old_sink.url("/old")));
  daemon.start();
  ASSERT_EQ(post_signed(daemon.port(), sample_reply_body("1"), "old-secret", "rl-1").status, 200u);
  ASSERT_TRUE(old_sink.wait_for_count(1, std::chrono::seconds(10)));

  write_file(daemon.config_path(), with_ports(config("new-secret", new_sink.url("/new")), daemon, dir));
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] {
    return post_signed(daemon.port(), sample_reply_body("probe"), "new-secret", std::nullopt).status == 200u;
  }));
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(post_signed(daemon.port(), sample_reply_body("2"), "old-secret", "rl-2").status, 401u);
  ASSERT_EQ(post_signed(daemon.port(), sample_reply_body("3"), "new-secret", "rl-3").status, 200u);
  ASSERT_TRUE(eventually([&] {
    for (const auto& r : new_sink.requests()) {
      if (r.header("x-request-id") == "rl-3") return true;
    }
    return false;
  }));
  for (const auto& r : old_sink.requests()) EXPECT_NE(r.header("x-request-id"), "rl-3");

  // A broken file: logged with its line, the running config kept.
  write_file(daemon.config_path(), with_ports(config("x", new_sink.url("/x")), daemon, dir) + "bogus_key: 1\n");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return daemon.log().find("reload refused") != std::string::npos; }));
  EXPECT_NE(daemon.log().find(daemon.config_path() + ":"), std::string::npos);
  EXPECT_EQ(post_signed(daemon.port(), sample_reply_body("4"), "new-secret", "rl-4").status, 200u);
  EXPECT_EQ(post_signed(daemon.port(), sample_reply_body("5"), "x", "rl-5").status, 401u);
  // and no secret reached the log
  EXPECT_EQ(daemon.log().find("new-secret"), std::string::npos);
  EXPECT_EQ(daemon.log().find("old-secret"), std::string::npos);
}

}  // namespace
}  // namespace slwd::testing
