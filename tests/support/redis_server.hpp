#pragma once
// A private redis-server for tests (never a system service): the Debian binary started with
// fork/exec on a free loopback port, in its own temp dir, with AOF on so data survives
// restart(). It also listens on a unix socket in that dir. The process is ours to stop, kill,
// restart, and freeze (SIGSTOP) to simulate a hung server.
//
// Lifetime: the destructor kills it. The child also gets SIGKILL if the *thread* that started
// it exits (PR_SET_PDEATHSIG), so a crashed test run leaves no server behind: start, restart and
// destroy it from one long-lived thread (a test body is fine).
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace slwd::test {

class RedisServer {
 public:
  // `extra_args` go after the defaults (so they may override them), e.g.
  // {"--requirepass", "secret"} or {"--appendfsync", "always"}. Throws std::runtime_error with
  // the server's log when it does not answer PING in time.
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  void stop();     // SIGTERM (AOF flushed), waits for exit; SIGKILL after 10 s
  void kill9();    // SIGKILL, waits for exit: up to a second of everysec AOF may be lost
  void restart();  // stop() if running, start again on the same port and dir
  void pause();    // SIGSTOP: the port still accepts connections but nothing is answered
  void resume();   // SIGCONT

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }
  std::string unix_path() const;           // the server's unix socket
  std::string url(int db = 0) const;       // redis://127.0.0.1:PORT[/db]
  std::string unix_url(int db = 0) const;  // unix://DIR/redis.sock[?db=N]
  std::string log() const;                 // the server's stdout/stderr so far

 private:
  void start(bool pick_port);
  pid_t spawn() const;
  bool wait_ready(std::chrono::milliseconds timeout);
  bool reap(bool block);

  std::vector<std::string> extra_args_;
  std::string dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace slwd::test
