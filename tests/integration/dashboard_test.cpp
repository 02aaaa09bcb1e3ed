// docker/grafana/smartlead-webhookd.json may only query metrics the daemon really exports.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "harness.hpp"

namespace slwd::testing {
namespace {

TEST(GrafanaDashboard, QueriesOnlyMetricsTheDaemonExports) {
  TempDir dir;
  Daemon daemon(dir, R"(
server: { listen: "127.0.0.1:{{PORT}}" }
admin: { listen: "127.0.0.1:{{ADMIN_PORT}}" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["s"]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - { name: audit, type: file, path: "{{DIR}}/events.jsonl" }
)");
  daemon.start();
  ASSERT_EQ(post_signed(daemon.port(), sample_reply_body("m"), "s", "dash-1").status, 200u);
  ASSERT_TRUE(eventually([&] {  // a delivery attempt makes the handler series appear
    return http_request(daemon.admin_port(), "GET", "/metrics", "").body.find(
               "smartlead_handler_delivery_duration_seconds_bucket") != std::string::npos;
  }));
  const std::string exposition = http_request(daemon.admin_port(), "GET", "/metrics", "").body;

  auto dashboard = nlohmann::json::parse(
      read_file(std::string(SLWD_SOURCE_DIR) + "/docker/grafana/smartlead-webhookd.json"));
  std::set<std::string> queried;
  const std::regex metric(R"((smartlead_[a-z_]+|process_[a-z_]+))");
  for (const auto& panel : dashboard.at("panels")) {
    for (const auto& target : panel.at("targets")) {
      const std::string expr = target.at("expr");
      for (std::sregex_iterator it(expr.begin(), expr.end(), metric), end; it != end; ++it) {
        queried.insert(it->str());
      }
    }
  }
  ASSERT_GE(queried.size(), 10u);
  for (const auto& name : queried) {
    EXPECT_NE(exposition.find("\n" + name), std::string::npos) << name << " is not exported";
  }
}

}  // namespace
}  // namespace slwd::testing
