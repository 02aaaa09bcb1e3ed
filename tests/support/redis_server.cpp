#include "support/redis_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace slwd::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kStartTimeout = 10s;
constexpr auto kStopTimeout = 10s;
constexpr auto kPollInterval = 10ms;
constexpr int kPortAttempts = 5;

// A port the kernel just handed out on 127.0.0.1; free unless someone grabs it before the
// server binds it (start() then retries with another one).
std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// One PING over a fresh blocking connection. "Answers" means a RESP reply line came back:
// +PONG, or -NOAUTH when the server wants a password. -LOADING (AOF still loading) is not ready.
bool answers_ping(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{0, 200'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const char ping[] = "PING\r\n";
    if (::send(fd, ping, sizeof(ping) - 1, MSG_NOSIGNAL) == sizeof(ping) - 1) {
      char buf[128];
      ssize_t n = ::recv(fd, buf, sizeof(buf) - 1, 0);
      if (n > 0) {
        std::string reply(buf, static_cast<std::size_t>(n));
        ok = reply.rfind("+PONG", 0) == 0 || reply.rfind("-NOAUTH", 0) == 0;
      }
    }
  }
  ::close(fd);
  return ok;
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "slwd-redis-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

RedisServer::RedisServer(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), dir_(make_temp_dir()) {
  try {
    start(true);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

RedisServer::~RedisServer() {
  if (running()) kill9();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string RedisServer::unix_path() const {
  return dir_ + "/redis.sock";
}

std::string RedisServer::url(int db) const {
  std::string u = "redis://127.0.0.1:" + std::to_string(port_);
  if (db != 0) u += "/" + std::to_string(db);
  return u;
}

std::string RedisServer::unix_url(int db) const {
  std::string u = "unix://" + unix_path();
  if (db != 0) u += "?db=" + std::to_string(db);
  return u;
}

std::string RedisServer::log() const {
  std::ifstream in(dir_ + "/redis.log");
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t RedisServer::spawn() const {
  // Everything the child needs is built before fork(): after it, in a threaded test process, only
  // async-signal-safe calls are allowed.
  std::vector<std::string> args = {"redis-server", "--port",      std::to_string(port_),
                                   "--bind",       "127.0.0.1",   "--dir",
                                   dir_,           "--save",      "",
                                   "--appendonly", "yes",         "--appendfsync",
                                   "everysec",     "--daemonize", "no",
                                   "--unixsocket", unix_path(),   "--unixsocketperm",
                                   "700"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::string log_path = dir_ + "/redis.log";
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("cannot open " + log_path);
  pid_t parent = ::getpid();

  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    ::dup2(log_fd, STDOUT_FILENO);            // dup2 clears O_CLOEXEC on the copies
    ::dup2(log_fd, STDERR_FILENO);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

// Reaps the child if it has exited. True when it is gone.
bool RedisServer::reap(bool block) {
  if (pid_ <= 0) return true;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = -1;
    paused_ = false;
    return true;
  }
  return false;
}

bool RedisServer::wait_ready(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (reap(false)) return false;  // exited: e.g. the port was taken
    if (answers_ping(port_)) return true;
    std::this_thread::sleep_for(kPollInterval);
  }
  return false;
}

void RedisServer::start(bool pick_port) {
  for (int attempt = 0; attempt < (pick_port ? kPortAttempts : 1); ++attempt) {
    if (pick_port) port_ = free_port();
    pid_ = spawn();
    if (wait_ready(std::chrono::duration_cast<std::chrono::milliseconds>(kStartTimeout))) return;
    if (running()) kill9();
  }
  throw std::runtime_error("redis-server did not come up on 127.0.0.1:" + std::to_string(port_) +
                           "; its log:\n" + log());
}

void RedisServer::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  if (paused_) ::kill(pid_, SIGCONT);  // a stopped process handles SIGTERM only once continued
  auto deadline = Clock::now() + kStopTimeout;
  while (Clock::now() < deadline) {
    if (reap(false)) return;
    std::this_thread::sleep_for(kPollInterval);
  }
  kill9();
}

void RedisServer::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(true);  // SIGKILL cannot be caught or blocked: this returns promptly
}

void RedisServer::restart() {
  stop();
  start(false);
}

void RedisServer::pause() {
  if (!running() || paused_) return;
  ::kill(pid_, SIGSTOP);
  // Wait until it really is stopped, so the test's next step meets a frozen server.
  int status = 0;
  if (::waitpid(pid_, &status, WUNTRACED) == pid_ && !WIFSTOPPED(status)) {
    pid_ = -1;  // it exited instead
    return;
  }
  paused_ = true;
}

void RedisServer::resume() {
  if (!running() || !paused_) return;
  ::kill(pid_, SIGCONT);
  paused_ = false;
}

}  // namespace slwd::test
