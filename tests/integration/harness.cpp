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

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

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
  config_path_ = dir.file("config.yaml");
  log_path_ = dir.file("daemon.log");
  write_file(config_path_, config_yaml);
}

Daemon::~Daemon() {
  if (pid_ > 0) kill9();
}

std::string Daemon::dir_file(const std::string& name) const { return dir_ + "/" + name; }

void Daemon::start() {
  pid_ = spawn({"serve", "--config", config_path_}, env_, "/dev/null", dir_ + "/daemon.out", log_path_);
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

RawConnection::RawConnection(std::uint16_t port) : fd_(connect_to(port)) {}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void RawConnection::send(const std::string& bytes) {
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
