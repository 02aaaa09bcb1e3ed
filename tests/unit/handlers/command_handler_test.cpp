// The `command` handler (SPEC §6): no shell, the body on stdin, the two variables, exit codes,
// the timeout killing the whole process group, programs that cannot start, large bodies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "handler_test_support.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::handlers::test {
namespace {

using namespace std::chrono_literals;

config::HandlerConfig command_config(std::vector<std::string> argv,
                                     std::chrono::milliseconds timeout = 10s) {
  auto c = handler_config("command", "hook-script");
  c.argv = std::move(argv);
  c.timeout = timeout;
  return c;
}

// Alive = exists and is not a zombie waiting for a parent (PID 1 in a container may never
// reap the orphans it adopts).
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno != ESRCH;
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

bool gone_within(pid_t pid, std::chrono::milliseconds bound) {
  for (auto until = std::chrono::steady_clock::now() + bound;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(10ms)) {
    if (!process_alive(pid)) return true;
  }
  return !process_alive(pid);
}

// Redirects this process's stderr (where the log goes) to a file while alive.
class StderrCapture {
 public:
  explicit StderrCapture(std::string path) : path_(std::move(path)) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string finish() {
    restore();
    return read_file(path_);
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

TEST(CommandHandler, BodyOnStdinAndVariablesInTheEnvironment) {
  TempDir dir;
  const std::string out = dir.path("out");
  // The test's argv runs sh on purpose; the handler itself never uses a shell.
  auto handler = make(command_config({"sh", "-c",
                                      "cat > \"$0\"; printf '%s|%s\\n' \"$SMARTLEAD_EVENT_TYPE\" "
                                      "\"$SMARTLEAD_DELIVERY_ID\" >> \"$0\"; test -n \"$PATH\"",
                                      out}));
  EXPECT_EQ(handler->max_batch(), 1u);
  const std::string body = "{\"event_type\":\"EMAIL_REPLY\", \"x\":\"\xc3\xa9\"}\n";
  auto outcome = deliver_one(*handler, work_item("d-77", body, "EMAIL_REPLY"));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(read_file(out), body + "EMAIL_REPLY|d-77\n");
}

TEST(CommandHandler, OurVariablesReplaceInheritedOnes) {
  TempDir dir;
  const std::string out = dir.path("env");
  ::setenv("SMARTLEAD_EVENT_TYPE", "stale", 1);
  auto handler = make(command_config({"sh", "-c", "env > \"$0\"", out}));
  auto outcome = deliver_one(*handler, work_item("d-1", "{}", "EMAIL_OPEN"));
  ::unsetenv("SMARTLEAD_EVENT_TYPE");
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  const std::string env = read_file(out);
  EXPECT_NE(env.find("SMARTLEAD_EVENT_TYPE=EMAIL_OPEN\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("stale"), std::string::npos) << env;
}

TEST(CommandHandler, ArgumentsArePassedVerbatimWithoutAShell) {
  TempDir dir;
  // Were a shell involved, the ';' would end the command and $(...) would run.
  const std::string out = dir.path("a b;$(touch pwned)");
  auto handler = make(command_config({"tee", out}));
  auto outcome = deliver_one(*handler, work_item("d", "{\"a\":1}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(read_file(out), "{\"a\":1}");
  EXPECT_FALSE(std::filesystem::exists(dir.path("pwned")));
}

TEST(CommandHandler, NonZeroExitIsRetryable) {
  auto handler = make(command_config({"sh", "-c", "cat >/dev/null; echo failing >&2; exit 3"}));
  auto outcome = deliver_one(*handler, work_item("d", "{}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "exit status 3");
  EXPECT_FALSE(outcome.retry_after_ms);
}

TEST(CommandHandler, DeathBySignalIsRetryable) {
  auto handler = make(command_config({"sh", "-c", "kill -9 $$"}));
  auto outcome = deliver_one(*handler, work_item("d", "{}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "killed by signal 9");
}

TEST(CommandHandler, TimeoutKillsTheWholeProcessGroup) {
  TempDir dir;
  const std::string pid_file = dir.path("pid");
  auto handler =
      make(command_config({"sh", "-c", "sleep 30 & echo $! > \"$0\"; wait", pid_file}, 700ms));
  const auto start = std::chrono::steady_clock::now();
  auto outcome = deliver_one(*handler, work_item("d", "{}"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // not the 30 s of the grandchild
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "timeout after 700 ms");
  const pid_t grandchild = std::stoi(read_file(pid_file));
  ASSERT_GT(grandchild, 1);
  EXPECT_TRUE(gone_within(grandchild, 3s)) << grandchild;
}

TEST(CommandHandler, TimeoutEscalatesToSigkillWhenTermIsIgnored) {
  TempDir dir;
  const std::string pid_file = dir.path("pid");
  auto handler = make(command_config(
      {"sh", "-c", "trap '' TERM; sleep 30 & echo $! > \"$0\"; while :; do sleep 1; done",
       pid_file},
      700ms));
  auto outcome = deliver_one(*handler, work_item("d", "{}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "timeout after 700 ms");
  const pid_t grandchild = std::stoi(read_file(pid_file));
  EXPECT_TRUE(gone_within(grandchild, 3s)) << grandchild;
}

TEST(CommandHandler, MissingProgramIsRetryableWithAClearError) {
  auto absolute = make(command_config({"/nonexistent/slwd-hook"}));
  auto outcome = deliver_one(*absolute, work_item("d", "{}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_NE(outcome.error.find("cannot start \"/nonexistent/slwd-hook\""), std::string::npos)
      << outcome.error;
  EXPECT_NE(outcome.error.find("No such file"), std::string::npos) << outcome.error;

  auto on_path = make(command_config({"slwd-no-such-program-on-path"}));
  outcome = deliver_one(*on_path, work_item("d", "{}"));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_NE(outcome.error.find("slwd-no-such-program-on-path"), std::string::npos);
}

TEST(CommandHandler, EmptyArgvIsRefusedAtStart) {
  EXPECT_THROW(make(command_config({})), std::runtime_error);
}

std::string large_body() {
  std::string body = "{\"pad\":\"";
  while (body.size() < 1024 * 1024) body += "0123456789abcdef";
  return body + "\"}";
}

TEST(CommandHandler, LargeBodyIsWrittenWhole) {
  TempDir dir;
  const std::string out = dir.path("big");
  const std::string body = large_body();
  auto handler = make(command_config({"sh", "-c", "cat > \"$0\"", out}));
  auto outcome = deliver_one(*handler, work_item("d", body));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_TRUE(read_file(out) == body);
}

TEST(CommandHandler, LargeBodyEchoedBackDoesNotDeadlock) {
  // cat writes as it reads: with both pipes full, a writer that ignored stdout would hang.
  auto handler = make(command_config({"cat"}, 20s));
  auto outcome = deliver_one(*handler, work_item("d", large_body()));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
}

TEST(CommandHandler, ProgramThatIgnoresStdinStillSucceeds) {
  // Writing to a pipe nobody reads raises SIGPIPE; the daemon (this test) must survive it.
  auto handler = make(command_config({"true"}));
  for (int i = 0; i < 3; ++i) {
    auto outcome = deliver_one(*handler, work_item("d", large_body()));
    EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  }
}

TEST(CommandHandler, ChildInheritsNoExtraDescriptors) {
  TempDir dir;
  const std::string out = dir.path("fds");
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  auto handler = make(command_config({"sh", "-c", "ls /proc/self/fd > \"$0\"", out}));
  auto outcome = deliver_one(*handler, work_item("d", "{}"));
  ::close(leaked);
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  // 0, 1, 2 and the one ls opens to read the directory.
  std::stringstream fds(read_file(out));
  int count = 0;
  for (std::string fd; fds >> fd;) ++count;
  EXPECT_LE(count, 4) << read_file(out);
}

TEST(CommandHandler, OutputIsLoggedAtDebugOnlyAndCapped) {
  TempDir dir;
  auto handler = make(command_config(
      {"sh", "-c", "cat; echo to-stderr >&2; head -c 100000 /dev/zero | tr '\\0' x"}));

  ops::configure_logging(ops::LogSettings{ops::Level::info, true, false});
  StderrCapture info(dir.path("info.log"));
  deliver_one(*handler, work_item("d-info", "BODY-MARK"));
  const std::string info_log = info.finish();
  EXPECT_EQ(info_log.find("BODY-MARK"), std::string::npos) << info_log;

  ops::configure_logging(ops::LogSettings{ops::Level::debug, true, false});
  StderrCapture debug(dir.path("debug.log"));
  auto outcome = deliver_one(*handler, work_item("d-debug", "BODY-MARK"));
  const std::string debug_log = debug.finish();
  ops::configure_logging(ops::LogSettings{});
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;

  bool found = false;
  std::stringstream lines(debug_log);
  for (std::string line; std::getline(lines, line);) {
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || json.value("msg", "") != "command output") continue;
    found = true;
    EXPECT_EQ(json.value("level", ""), "debug");
    EXPECT_EQ(json.value("handler", ""), "hook-script");
    EXPECT_EQ(json.value("delivery_id", ""), "d-debug");
    const std::string output = json.value("output", "");
    EXPECT_EQ(output.size(), 64u * 1024u);
    EXPECT_EQ(output.rfind("BODY-MARKto-stderr\nxxx", 0), 0u) << output.substr(0, 40);
  }
  EXPECT_TRUE(found) << debug_log.substr(0, 500);
}

}  // namespace
}  // namespace slwd::handlers::test
