#pragma once
// Integration-test harness: runs the real smartlead-webhookd binary as a child process on free
// loopback ports, and talks to it over real sockets.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slwd::testing {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A loopback port nothing listens on right now.
std::uint16_t free_port();

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
std::vector<std::string> read_lines(const std::string& path);

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the daemon binary with `args` to completion (stdin from `input`).
ProcessResult run_cli(const std::vector<std::string>& args, const std::string& input = "",
                      const std::map<std::string, std::string>& env = {});

// Runs any program (argv[0] looked up in PATH) to completion.
ProcessResult run_program(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::map<std::string, std::string>& env = {});

// A daemon started on a config the test writes. Its stderr (the log) goes to a file.
//
// Log audit (docs/decisions.md): every daemon logs at `debug` (the harness sets
// `logging.level: debug` in the config it writes, unless the YAML contains kKeepLogLevel), and
// with $SLWD_AUDIT_DIR set its config, secrets, log and the answers read from its ports are
// recorded there for log_audit_scan (tests/audit/).
class Daemon {
 public:
  // Put this comment in a config whose logging.level the test itself is about.
  static constexpr const char* kKeepLogLevel = "# harness: keep logging.level";

  // `config_yaml` may use the placeholders {{PORT}}, {{ADMIN_PORT}} and {{DIR}}.
  Daemon(const TempDir& dir, std::string config_yaml, std::map<std::string, std::string> env = {});
  ~Daemon();  // kill -9 if still running

  void start();                 // spawns and waits until both ports accept connections
  void signal(int signo);
  int wait_exit(std::chrono::milliseconds timeout = std::chrono::seconds(30));  // exit code
  void kill9();                 // kill -9 and reap
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  std::uint16_t port() const { return port_; }
  std::uint16_t admin_port() const { return admin_port_; }
  std::string url(const std::string& path = "/webhooks/smartlead") const;
  std::string log() const { return read_file(log_path_); }
  const std::string& config_path() const { return config_path_; }
  std::string dir_file(const std::string& name) const;

 private:
  // Appends the secrets of the config file as it is now to the audit record.
  void record_config_snapshot() const;

  std::string dir_;
  std::string config_path_;
  std::string log_path_;
  std::string out_path_;
  std::string audit_dir_;  // "" when not recording
  std::map<std::string, std::string> env_;
  std::uint16_t port_ = 0;
  std::uint16_t admin_port_ = 0;
  pid_t pid_ = -1;
};

struct HttpResult {
  unsigned status = 0;  // 0 = transport failure
  std::string body;
  std::map<std::string, std::string> headers;  // lowercased names
};

// One POST (or other method) on a fresh connection.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers = {});

// A signed SmartLead-style POST.
HttpResult post_signed(std::uint16_t port, const std::string& body, const std::string& secret,
                       const std::optional<std::string>& request_id,
                       const std::string& target = "/webhooks/smartlead");

// A raw TCP connection for framing, pipelining and timeout tests.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  void send(const std::string& bytes);
  // Reads until `count` complete HTTP responses arrived, the peer closed, or `timeout`.
  std::vector<HttpResult> read_responses(std::size_t count,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // True when the peer closed the connection (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;  // answers from a daemon's port are recorded for the log audit
  std::string next_target_;  // of the request just sent, for the audit record of its answer
  std::string pending_;
  bool eof_ = false;
};

std::string sign(const std::string& secret, const std::string& body);
std::string sample_reply_body(const std::string& marker = "hello");

}  // namespace slwd::testing
