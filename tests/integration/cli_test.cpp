// The command line of SPEC §2, run as a real process.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace slwd::testing {
namespace {

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

TEST(Cli, VersionAndHelp) {
  auto v = run_cli({"version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("smartlead-webhookd ", 0), 0u);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--help"}, {"serve", "--help"}, {"send", "--help"},
        {"dlq", "list", "--help"}, {"quarantine", "list", "--help"}, {"check-config", "--help"}}) {
    auto h = run_cli(args);
    EXPECT_EQ(h.exit_code, 0) << args[0];
    EXPECT_FALSE(h.out.empty()) << args[0];
  }
}

TEST(Cli, UsageErrorsExitTwoWithOneLine) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"frobnicate"}, {"serve", "--no-such-flag"},
        {"send", "--url", "http://127.0.0.1:1/x", "--secret", "s", "--event", "EMAIL_OPEN", "--count", "zero"},
        {"sign"}, {"dlq", "replay", "--config", "x.yaml"}}) {
    auto r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
  }
}

TEST(Cli, SignPrintsTheHmacOfStdinOrAFile) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
  const std::string expected =
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843\n";
  auto r = run_cli({"sign", "--secret", "Jefe"}, "what do ya want for nothing?");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
  TempDir dir;
  write_file(dir.file("body"), "what do ya want for nothing?");
  EXPECT_EQ(run_cli({"sign", "--secret", "Jefe", dir.file("body")}).out, expected);
}

TEST(Cli, CheckConfigPrintsOkOrEveryProblemWithItsLine) {
  TempDir dir;
  write_file(dir.file("good.yaml"), R"(
endpoints:
  - path: /hook
    secrets: ["s"]
handlers:
  - name: l
    type: log
)");
  auto ok = run_cli({"check-config", "--config", dir.file("good.yaml")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "ok\n");

  write_file(dir.file("bad.yaml"), R"(server:
  listen: "127.0.0.1:8080"
  max_body: lots
  colour: blue
endpoints:
  - path: /hook
    secrets: ["s"]
    handlers: [nobody]
handlers:
  - name: l
    type: log
)");
  auto bad = run_cli({"check-config", "--config", dir.file("bad.yaml")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find(dir.file("bad.yaml") + ":3: "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(dir.file("bad.yaml") + ":4: "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(dir.file("bad.yaml") + ":8: "), std::string::npos) << bad.err;
  EXPECT_EQ(count_lines(bad.err), 3) << bad.err;
}

TEST(Cli, ServeOnBuiltInDefaultsRefusesWithoutASecretAndNamesTheVariable) {
  TempDir dir;
  auto r = run_cli({"serve"}, "", {{"SMARTLEAD_WEBHOOK_SECRET", ""}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("SMARTLEAD_WEBHOOK_SECRET"), std::string::npos) << r.err;
}

TEST(Cli, ServeWithABrokenConfigExitsOneWithFileAndLine) {
  TempDir dir;
  write_file(dir.file("c.yaml"), "server:\n  threads: many\n");
  auto r = run_cli({"serve", "--config", dir.file("c.yaml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir.file("c.yaml") + ":2: "), std::string::npos) << r.err;
}

}  // namespace
}  // namespace slwd::testing
