#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "audit/audit_record.hpp"
#include "slwd/config/loader.hpp"
#include "slwd/security/signature.hpp"

extern char** environ;

namespace slwd::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::random_device rd;
  auto base = fs::temp_directory_path() / ("slwd-it-" + std::to_string(::getpid()) + "-" +
                                           std::to_string(rd()));
  fs::create_directories(base);
  path_ = base;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

namespace {

std::vector<std::string> make_env(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  all.erase("SMARTLEAD_WEBHOOKD_CONFIG");
  for (const auto& [k, v] : extra) all[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : all) out.push_back(k + "=" + v);
  return out;
}

// Spawns argv_s[0] (looked up in PATH when it has no slash) with stdio redirected to files.
pid_t spawn_program(std::vector<std::string> argv_s, const std::map<std::string, std::string>& env,
                    const std::string& stdin_path, const std::string& stdout_path,
                    const std::string& stderr_path) {
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_s = make_env(env);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));
  return pid;
}

pid_t spawn(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
            const std::string& stdin_path, const std::string& stdout_path,
            const std::string& stderr_path) {
  std::vector<std::string> argv_s{SLWD_DAEMON_BIN};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  return spawn_program(std::move(argv_s), env, stdin_path, stdout_path, stderr_path);
}

int wait_pid(pid_t pid, std::chrono::milliseconds timeout) {
  int status = 0;
  bool done = eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!done) return -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

bool port_open(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed to port " + std::to_string(port));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Parses one complete response off the front of `buf`; nullopt if incomplete.
std::optional<HttpResult> take_response(std::string& buf, bool eof) {
  auto end = buf.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  HttpResult r;
  std::istringstream head(buf.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.size() < 12) return std::nullopt;
  r.status = static_cast<unsigned>(std::stoi(line.substr(9, 3)));
  std::size_t length = 0;
  bool has_length = false;
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers[name] = value;
    if (name == "content-length") {
      length = std::stoul(value);
      has_length = true;
    }
  }
  std::size_t body_start = end + 4;
  if (!has_length) {
    if (!eof) return std::nullopt;
    length = buf.size() - body_start;
  }
  if (buf.size() < body_start + length) return std::nullopt;
  r.body = buf.substr(body_start, length);
  buf.erase(0, body_start + length);
  return r;
}

// ---- log audit recording (tests/audit/audit_record.hpp) ----------------------------------

// Sets logging.level to debug in the config a test wrote, so that debug-only lines are audited
// too. Handles the two shapes tests use: `logging: { ... }` on one line, and a block mapping.
std::string with_debug_logging(std::string yaml) {
  if (yaml.find(Daemon::kKeepLogLevel) != std::string::npos) return yaml;
  const std::regex level_value(R"(level:\s*(\$\{[^}]*\}|"[^"]*"|'[^']*'|[^,}\s#]+))");
  std::size_t line_start = std::string::npos;
  if (yaml.rfind("logging:", 0) == 0) {
    line_start = 0;
  } else if (auto at = yaml.find("\nlogging:"); at != std::string::npos) {
    line_start = at + 1;
  }
  if (line_start == std::string::npos) {
    if (!yaml.empty() && yaml.back() != '\n') yaml += '\n';
    return yaml + "logging: { level: debug }\n";
  }
  std::size_t line_end = yaml.find('\n', line_start);
  if (line_end == std::string::npos) line_end = yaml.size();
  std::string line = yaml.substr(line_start, line_end - line_start);
  if (auto brace = line.find('{'); brace != std::string::npos) {  // flow mapping
    std::string replaced = line;
    if (std::regex_search(line, level_value)) {
      replaced = std::regex_replace(line, level_value, "level: debug",
                                    std::regex_constants::format_first_only);
    } else {
      replaced.insert(brace + 1, " level: debug,");
    }
    return yaml.replace(line_start, line.size(), replaced);
  }
  // Block mapping: its keys are the indented lines that follow.
  std::size_t pos = line_end;
  std::string indent = "  ";
  while (pos < yaml.size()) {
    std::size_t next_end = yaml.find('\n', pos + 1);
    if (next_end == std::string::npos) next_end = yaml.size();
    std::string next = yaml.substr(pos + 1, next_end - pos - 1);
    if (next.empty() || (next[0] != ' ' && next[0] != '\t')) break;
    indent = next.substr(0, next.find_first_not_of(" \t"));
    if (next.find_first_not_of(" \t") != std::string::npos &&
        next.compare(indent.size(), 6, "level:") == 0) {
      std::string replaced = std::regex_replace(next, level_value, "level: debug",
                                                std::regex_constants::format_first_only);
      return yaml.replace(pos + 1, next.size(), replaced);
    }
    pos = next_end;
  }
  return yaml.insert(line_end, "\n" + indent + "level: debug");
}

std::string current_test_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "no-test";
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  return name;
}

std::string make_audit_dir() {
  const std::string root = audit::audit_root();
  if (root.empty()) return "";
  static std::atomic<int> sequence{0};
  fs::path dir = fs::path(root) / (current_test_name() + "-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(++sequence));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create audit dir " + dir.string() + ": " + ec.message());
  return dir.string();
}

struct AuditedPort {
  std::string dir;
  bool admin = false;
};

std::mutex audit_mutex;
std::map<std::uint16_t, AuditedPort> audited_ports;  // ports of the daemons alive now

void record_answer(std::uint16_t port, const std::string& target, const HttpResult& answer) {
  std::lock_guard lock(audit_mutex);  // also keeps concurrent appends whole
  auto it = audited_ports.find(port);
  if (it == audited_ports.end()) return;  // not a daemon of ours (a fake, nginx, ...)
  audit::append_json_line(it->second.dir + "/responses.jsonl",
                          {{"port", port},
                           {"admin", it->second.admin},
                           {"target", target},
                           {"status", answer.status},
                           {"headers", answer.headers},
                           {"body", answer.body}});
}

}  // namespace

ProcessResult run_cli(const std::vector<std::string>& args, const std::string& input,
                      const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv{SLWD_DAEMON_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input, env);
}

ProcessResult run_program(const std::vector<std::string>& argv, const std::string& input,
                          const std::map<std::string, std::string>& env) {
  TempDir dir;
  write_file(dir.file("in"), input);
  pid_t pid = spawn_program(argv, env, dir.file("in"), dir.file("out"), dir.file("err"));
  ProcessResult r;
  r.exit_code = wait_pid(pid, 60s);
  if (r.exit_code < 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

Daemon::Daemon(const TempDir& dir, std::string config_yaml, std::map<std::string, std::string> env)
    : dir_(dir.path().string()), env_(std::move(env)) {
  port_ = free_port();
  admin_port_ = free_port();
  config_yaml = replace_all(config_yaml, "{{PORT}}", std::to_string(port_));
  config_yaml = replace_all(config_yaml, "{{ADMIN_PORT}}", std::to_string(admin_port_));
  config_yaml = replace_all(config_yaml, "{{DIR}}", dir_);
  config_yaml = with_debug_logging(std::move(config_yaml));
  config_path_ = dir.file("config.yaml");
  write_file(config_path_, config_yaml);
  audit_dir_ = make_audit_dir();
  // Recorded, the log lives in the audit dir: it outlives the test's TempDir for the scan.
  const std::string logs = audit_dir_.empty() ? dir_ : audit_dir_;
  log_path_ = logs + "/daemon.log";
  out_path_ = logs + "/daemon.out";
  if (!audit_dir_.empty()) {
    write_file(audit_dir_ + "/config.yaml", config_yaml);
    std::lock_guard lock(audit_mutex);
    audited_ports[port_] = {audit_dir_, false};
    audited_ports[admin_port_] = {audit_dir_, true};
  }
}

Daemon::~Daemon() {
  if (pid_ > 0) kill9();
  if (audit_dir_.empty()) return;
  record_config_snapshot();  // a test may have rewritten the file (reload tests)
  std::lock_guard lock(audit_mutex);
  audited_ports.erase(port_);
  audited_ports.erase(admin_port_);
}

void Daemon::record_config_snapshot() const {
  if (audit_dir_.empty()) return;
  // The daemon's environment: what the test passed, over the test process's own.
  const auto env = env_;
  auto lookup = [env](const std::string& name) -> std::optional<std::string> {
    if (auto it = env.find(name); it != env.end()) return it->second;
    if (name == "SMARTLEAD_WEBHOOKD_CONFIG") return std::nullopt;  // make_env drops it
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    return std::nullopt;
  };
  auto loaded = config::load_config_file(config_path_, lookup);
  nlohmann::json record = loaded.config
                              ? audit::snapshot_json(*loaded.config)
                              : nlohmann::json{{"error", loaded.errors.empty() ? std::string("?")
                                                                            : loaded.errors[0].to_string()}};
  audit::append_json_line(audit_dir_ + "/secrets.jsonl", record);
}

std::string Daemon::dir_file(const std::string& name) const { return dir_ + "/" + name; }

void Daemon::start() {
  record_config_snapshot();
  pid_ = spawn({"serve", "--config", config_path_}, env_, "/dev/null", out_path_, log_path_);
  bool up = eventually([&] {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return true;
    }
    return port_open(port_) && port_open(admin_port_);
  }, 20s);
  if (pid_ < 0 || !up) throw std::runtime_error("daemon did not start; log:\n" + log());
}

void Daemon::signal(int signo) {
  if (signo == SIGHUP) record_config_snapshot();  // the config the daemon is about to reload
  if (pid_ > 0) ::kill(pid_, signo);
}

int Daemon::wait_exit(std::chrono::milliseconds timeout) {
  int code = wait_pid(pid_, timeout);
  if (code >= 0) pid_ = -1;
  return code;
}

void Daemon::kill9() {
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string Daemon::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body, const std::map<std::string, std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  try {
    RawConnection c(port);
    c.send(req);
    auto responses = c.read_responses(1, 10s);
    if (responses.empty()) return {};
    return responses.front();
  } catch (const std::exception&) {
    return {};
  }
}

HttpResult post_signed(std::uint16_t port, const std::string& body, const std::string& secret,
                       const std::optional<std::string>& request_id, const std::string& target) {
  std::map<std::string, std::string> headers{{"Content-Type", "application/json"},
                                             {"X-Smartlead-Signature", sign(secret, body)}};
  if (request_id) headers["X-Request-Id"] = *request_id;
  return http_request(port, "POST", target, body, headers);
}

RawConnection::RawConnection(std::uint16_t port) : fd_(connect_to(port)), port_(port) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(const std::string& bytes) {
  // The target of a request line at the start of the bytes names the answer that comes next in
  // the audit record (enough to tell a /metrics scrape).
  if (auto sp = bytes.find(' '); sp != std::string::npos && sp < 16) {
    auto end = bytes.find_first_of(" \r\n", sp + 1);
    if (end != std::string::npos) next_target_ = bytes.substr(sp + 1, end - sp - 1);
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    done += static_cast<std::size_t>(n);
  }
}

std::vector<HttpResult> RawConnection::read_responses(std::size_t count,
                                                      std::chrono::milliseconds timeout) {
  std::vector<HttpResult> out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    while (out.size() < count) {
      auto r = take_response(pending_, eof_);
      if (!r) break;
      record_answer(port_, std::exchange(next_target_, std::string()), *r);
      out.push_back(std::move(*r));
    }
    if (out.size() >= count || eof_) return out;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
    } else {
      pending_.append(buf, static_cast<std::size_t>(n));
    }
  }
}

bool RawConnection::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) eof_ = true;
  }
  return true;
}

std::string sign(const std::string& secret, const std::string& body) {
  return security::signature_header(secret, body);
}

std::string sample_reply_body(const std::string& marker) {
  return R"({"event_type":"EMAIL_REPLY","campaign_id":123,"campaign_name":"Q4 outreach",)"
         R"("to_email":"jane@example.com","to_name":"Jane Doe","subject":"Re: hi",)"
         R"("reply_message":{"text":")" + marker + R"(","html":"<p>)" + marker + R"(</p>"},)"
         R"("event_timestamp":"2026-11-27T08:00:00Z"})";
}

}  // namespace slwd::testing
