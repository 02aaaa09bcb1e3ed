// Deployment, part 1 (issue #6): the daemon speaks systemd's notify protocol (SPEC §8), the
// install target lays out what the unit expects, the unit passes `systemd-analyze verify`, and
// the container image's build steps (scripts/container-build.sh) produce a binary that runs.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "deploy_support.hpp"
#include "harness.hpp"
#include "support/notify_listener.hpp"

namespace slwd::testing {
namespace {

using deploy::fs::path;
using test::NotifyListener;

const char* const kConfig = R"(
server: { listen: "127.0.0.1:{{PORT}}", shutdown_timeout: 5s }
admin: { listen: "127.0.0.1:{{ADMIN_PORT}}" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["s3cret"]
    handlers: [all]
store: { type: sqlite, sqlite: { path: "{{DIR}}/store.db" } }
handlers:
  - name: log
    type: log
logging: { level: info, format: json }
)";

// ---- sd_notify from the real daemon ---------------------------------------------------------

TEST(SystemdNotify, ReadyComesOnceBothListenersAreUpAndNamesTheirPorts) {
  TempDir dir;
  NotifyListener listener;
  Daemon daemon(dir, kConfig, {{"NOTIFY_SOCKET", listener.path()}});
  daemon.start();
  auto ready = listener.next_with("READY=1", 10s);
  ASSERT_TRUE(ready) << daemon.log();
  // The ports in STATUS are the bound ones, so READY=1 was sent after both binds.
  EXPECT_NE(ready->fields["STATUS"].find("port " + std::to_string(daemon.port())),
            std::string::npos)
      << ready->text;
  EXPECT_NE(ready->fields["STATUS"].find("admin port " + std::to_string(daemon.admin_port())),
            std::string::npos)
      << ready->text;
  EXPECT_NE(ready->sender, ::getpid());
  EXPECT_GT(ready->sender, 0);
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/healthz", "").status, 200u);
  // Nothing but READY=1 (and no watchdog: WATCHDOG_USEC is not set) so far.
  for (const auto& m : listener.all()) EXPECT_TRUE(m.has("READY=1")) << m.text;
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(SystemdNotify, SighupSendsReloadingThenReadyEvenWhenTheNewConfigIsRefused) {
  TempDir dir;
  NotifyListener listener;
  Daemon daemon(dir, kConfig, {{"NOTIFY_SOCKET", listener.path()}});
  daemon.start();
  ASSERT_TRUE(listener.next_with("READY=1", 10s));

  daemon.signal(SIGHUP);  // the same, valid config
  auto reloading = listener.next(10s);
  ASSERT_TRUE(reloading) << daemon.log();
  EXPECT_TRUE(reloading->has("RELOADING=1")) << reloading->text;
  EXPECT_FALSE(reloading->fields["MONOTONIC_USEC"].empty()) << reloading->text;
  auto ready = listener.next(10s);
  ASSERT_TRUE(ready);
  EXPECT_TRUE(ready->has("READY=1")) << ready->text;
  EXPECT_TRUE(
      eventually([&] { return daemon.log().find("config reloaded") != std::string::npos; }));

  write_file(daemon.config_path(), "server: [not, a, map\n");  // broken: the old config stays
  daemon.signal(SIGHUP);
  reloading = listener.next(10s);
  ASSERT_TRUE(reloading);
  EXPECT_TRUE(reloading->has("RELOADING=1")) << reloading->text;
  ready = listener.next(10s);
  ASSERT_TRUE(ready) << "no READY=1 after a refused reload: systemctl reload would hang";
  EXPECT_TRUE(ready->has("READY=1")) << ready->text;
  EXPECT_EQ(post_signed(daemon.port(), sample_reply_body(), "s3cret", "after-reload").status, 200u);

  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(SystemdNotify, SigtermSendsStoppingBeforeTheProcessExits) {
  TempDir dir;
  NotifyListener listener;
  Daemon daemon(dir, kConfig, {{"NOTIFY_SOCKET", listener.path()}});
  daemon.start();
  ASSERT_TRUE(listener.next_with("READY=1", 10s));
  daemon.signal(SIGTERM);
  auto stopping = listener.next(10s);
  ASSERT_TRUE(stopping) << daemon.log();
  EXPECT_TRUE(stopping->has("STOPPING=1")) << stopping->text;
  EXPECT_EQ(daemon.wait_exit(), 0);
  EXPECT_EQ(listener.count("READY=1"), 1u);
}

TEST(SystemdNotify, WatchdogPingsEveryHalfOfWatchdogUsec) {
  TempDir dir;
  NotifyListener listener;
  // WATCHDOG_PID is left unset: the daemon's pid is only known after the spawn, and libsystemd
  // takes an unset WATCHDOG_PID to mean "for this process" (systemd itself always sets it).
  Daemon daemon(dir, kConfig, {{"NOTIFY_SOCKET", listener.path()}, {"WATCHDOG_USEC", "400000"}});
  daemon.start();
  auto first = listener.next_with("WATCHDOG=1", 5s);
  ASSERT_TRUE(first) << daemon.log();
  std::this_thread::sleep_for(1200ms);  // six intervals of 200 ms
  auto pings = listener.count("WATCHDOG=1");
  EXPECT_GE(pings, 4u);
  EXPECT_LE(pings, 10u) << "pinging faster than WatchdogSec/2";
  std::set<pid_t> senders;
  for (const auto& m : listener.all()) senders.insert(m.sender);
  EXPECT_EQ(senders.size(), 1u) << "NotifyAccess=main: only the main process may notify";
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(SystemdNotify, NoWatchdogPingsForAnotherProcess) {
  TempDir dir;
  NotifyListener listener;
  // A WATCHDOG_PID that is not the daemon's: the variables were meant for a parent.
  Daemon daemon(dir, kConfig,
                {{"NOTIFY_SOCKET", listener.path()},
                 {"WATCHDOG_USEC", "200000"},
                 {"WATCHDOG_PID", std::to_string(::getpid())}});
  daemon.start();
  ASSERT_TRUE(listener.next_with("READY=1", 10s));
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(listener.count("WATCHDOG=1"), 0u);
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

TEST(SystemdNotify, WithoutNotifySocketTheDaemonRunsAsBefore) {
  TempDir dir;
  Daemon daemon(dir, kConfig, {{"WATCHDOG_USEC", "200000"}});
  daemon.start();
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/readyz", "").status, 200u);
  // "listening" is logged once SIGHUP is handled; the ports open a moment before that, and a
  // SIGHUP in between would still have its default action (terminate).
  ASSERT_TRUE(eventually([&] { return daemon.log().find("\"listening\"") != std::string::npos; }));
  daemon.signal(SIGHUP);
  EXPECT_TRUE(
      eventually([&] { return daemon.log().find("config reloaded") != std::string::npos; }));
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(), 0);
}

// ---- install target and the systemd unit ------------------------------------------------------

class Installed : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = deploy::install_into(prefix_.path());
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  path prefix() const { return prefix_.path(); }
  path unit() const { return prefix() / "lib/systemd/system/smartlead-webhookd.service"; }

  TempDir prefix_;
};

TEST_F(Installed, LaysOutBinaryUnitAndConfigs) {
  auto bin = prefix() / "bin/smartlead-webhookd";
  ASSERT_TRUE(deploy::fs::exists(bin));
  auto v = deploy::run_command({bin.string(), "version"});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_EQ(v.out.rfind("smartlead-webhookd ", 0), 0u) << v.out;
  ASSERT_TRUE(deploy::fs::exists(unit()));
  EXPECT_EQ(read_file((prefix() / "share/smartlead-webhookd/example.yaml").string()),
            read_file((deploy::source_dir() / "config/example.yaml").string()));
  EXPECT_EQ(read_file((prefix() / "share/smartlead-webhookd/config.yaml").string()),
            read_file((deploy::docker_dir() / "systemd/config.yaml").string()));
  // The installed unit starts the installed binary, whatever the prefix.
  auto keys = deploy::read_unit(unit());
  ASSERT_EQ(keys["ExecStart"].size(), 1u);
  EXPECT_EQ(keys["ExecStart"][0].rfind(bin.string() + " serve --config ", 0), 0u)
      << keys["ExecStart"][0];
}

TEST_F(Installed, UnitPassesSystemdAnalyzeVerify) {
  if (!deploy::have_program("systemd-analyze")) {
    GTEST_SKIP() << "systemd-analyze not installed (Debian package systemd)";
  }
  // verify checks that ExecStart's binary exists: the installed unit points into the prefix.
  auto r = deploy::run_command({"systemd-analyze", "verify", unit().string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("smartlead-webhookd.service"), std::string::npos) << r.err;

  // And verify does fail on a broken copy (so the pass above means something).
  TempDir dir;
  auto broken = dir.file("smartlead-webhookd.service");
  write_file(broken,
             read_file(unit().string()) + "\n[Service]\nType=notyfy\nExecStart=/nonexistent/x\n");
  auto bad = deploy::run_command({"systemd-analyze", "verify", broken});
  EXPECT_NE(bad.exit_code, 0) << bad.err;
}

TEST_F(Installed, UnitIsTypeNotifyHardenedAndMatchesTheShippedConfig) {
  auto keys = deploy::read_unit(unit());
  auto one = [&](const std::string& key) {
    return keys[key].empty() ? std::string("<unset>") : keys[key].back();
  };
  const std::map<std::string, std::string> expected = {
      {"Type", "notify"},
      {"NotifyAccess", "main"},
      {"WatchdogSec", "30"},
      {"ExecReload", "/bin/kill -HUP $MAINPID"},
      {"Restart", "on-failure"},
      {"DynamicUser", "yes"},
      {"StateDirectory", "smartlead-webhookd"},
      {"ProtectSystem", "strict"},
      {"ProtectHome", "yes"},
      {"PrivateTmp", "yes"},
      {"NoNewPrivileges", "yes"},
      {"CapabilityBoundingSet", ""},
      {"RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"},
      {"SystemCallFilter", "@system-service"},
      {"MemoryDenyWriteExecute", "yes"},
      {"LockPersonality", "yes"},
      {"RestrictNamespaces", "yes"},
      {"ProtectKernelTunables", "yes"},
      {"ProtectKernelModules", "yes"},
      {"ProtectKernelLogs", "yes"},
      {"ProtectControlGroups", "yes"},
      {"RestrictRealtime", "yes"},
      {"RestrictSUIDSGID", "yes"},
      {"UMask", "0077"}};
  for (const auto& [key, value] : expected) EXPECT_EQ(one(key), value) << key;
  EXPECT_NE(one("LimitNOFILE"), "<unset>");

  // The config the unit names is the shipped one, and what it reads exists under the sandbox.
  auto exec = one("ExecStart");
  EXPECT_NE(exec.find("--config /etc/smartlead-webhookd/config.yaml"), std::string::npos) << exec;
  auto yaml_text = read_file((deploy::docker_dir() / "systemd/config.yaml").string());
  auto config = YAML::Load(yaml_text);
  auto grace = deploy::duration_seconds(config["server"]["shutdown_timeout"].as<std::string>());
  auto attempt = deploy::duration_seconds(config["delivery"]["timeout"].as<std::string>());
  auto stop = deploy::duration_seconds(one("TimeoutStopSec"));
  ASSERT_TRUE(grace && attempt && stop);
  EXPECT_GT(*stop, *grace + *attempt) << "systemd would SIGKILL a drain in progress";
  auto db = config["store"]["sqlite"]["path"].as<std::string>();
  EXPECT_EQ(db.rfind("/var/lib/" + one("StateDirectory") + "/", 0), 0u)
      << db << " is outside StateDirectory: ProtectSystem=strict makes it read-only";

  // LoadCredential=ID:PATH <-> secrets_file: ${CREDENTIALS_DIRECTORY}/ID; check-config passes
  // with those credentials in place.
  TempDir creds;
  for (const auto& credential : keys["LoadCredential"]) {
    auto id = credential.substr(0, credential.find(':'));
    EXPECT_NE(yaml_text.find("${CREDENTIALS_DIRECTORY}/" + id), std::string::npos) << id;
    write_file(creds.file(id), "placeholder-" + id + "\n");
  }
  ASSERT_FALSE(keys["LoadCredential"].empty());
  for (const auto& name : deploy::required_variables(yaml_text)) {
    EXPECT_EQ(name, "CREDENTIALS_DIRECTORY") << "the unit does not set ${" << name << "}";
  }
  auto check = deploy::check_config(yaml_text, {{"CREDENTIALS_DIRECTORY", creds.path().string()}});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.out, "ok\n");
  // Without the credential the config is refused (so the pass above depends on it).
  TempDir empty;
  EXPECT_EQ(
      deploy::check_config(yaml_text, {{"CREDENTIALS_DIRECTORY", empty.path().string()}}).exit_code,
      1);
}

// ---- scripts/container-build.sh: the Dockerfile's build steps ---------------------------------

// The full Release build takes minutes, too long for every ctest run (twice in scripts/test.sh,
// plain and sanitized): scripts/test.sh runs this one test on its own with
// SLWD_CONTAINER_BUILD_TEST=1, and it is skipped otherwise.
TEST(ContainerBuild, ScriptBuildsInstallsAndTheBinaryServes) {
  const char* enabled = std::getenv("SLWD_CONTAINER_BUILD_TEST");
  if (!enabled || std::string(enabled) != "1") {
    GTEST_SKIP() << "set SLWD_CONTAINER_BUILD_TEST=1 (scripts/test.sh does) for the full build";
  }
  TempDir prefix;
  auto script = (deploy::source_dir() / "scripts/container-build.sh").string();
  auto build =
      deploy::run_command({script, "build", prefix.path().string()}, {}, std::chrono::hours(1));
  ASSERT_EQ(build.exit_code, 0) << build.out.substr(
                                       build.out.size() > 4000 ? build.out.size() - 4000 : 0)
                                << build.err;
  auto bin = (prefix.path() / "bin/smartlead-webhookd").string();
  auto version = deploy::run_command({bin, "version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, deploy::run_command({SLWD_DAEMON_BIN, "version"}).out);
  auto strip_check = deploy::run_command({"readelf", "-S", bin});
  EXPECT_EQ(strip_check.out.find(".debug_info"), std::string::npos) << "--strip did not strip";

  // The produced binary serves: READY=1, /healthz, SIGTERM -> exit 0.
  TempDir dir;
  auto port = free_port(), admin = free_port();
  std::string config = kConfig;
  for (auto [from, to] : {std::pair<std::string, std::string>{"{{PORT}}", std::to_string(port)},
                          {"{{ADMIN_PORT}}", std::to_string(admin)},
                          {"{{DIR}}", dir.path().string()}}) {
    for (auto at = config.find(from); at != std::string::npos; at = config.find(from))
      config.replace(at, from.size(), to);
  }
  write_file(dir.file("config.yaml"), config);
  NotifyListener listener;
  std::thread runner;
  ProcessResult served;
  runner = std::thread([&] {
    served = deploy::run_command({bin, "serve", "--config", dir.file("config.yaml")},
                                 {{"NOTIFY_SOCKET", listener.path()}}, 60s);
  });
  auto ready = listener.next_with("READY=1", 20s);
  bool healthy = ready && http_request(admin, "GET", "/healthz", "").status == 200;
  if (ready) ::kill(ready->sender, SIGTERM);
  runner.join();
  ASSERT_TRUE(ready) << served.err;
  EXPECT_TRUE(healthy);
  EXPECT_EQ(served.exit_code, 0) << served.err;
}

}  // namespace
}  // namespace slwd::testing
