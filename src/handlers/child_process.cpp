#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

extern char** environ;

namespace slwd::handlers {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kTermGrace{200};   // SIGTERM -> SIGKILL
constexpr milliseconds kReapBound{5000};  // after SIGKILL, before handing off to a thread
constexpr milliseconds kExitPoll{5};      // pipes closed, process not yet gone
constexpr milliseconds kWakeEvery{50};    // re-check for exit while pipes stay open
constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kDrainAfterExit = 1024 * 1024;  // bound for output still arriving

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Keeps a pipe end off 0/1/2 (possible when the daemon runs with those closed): dup2 onto the
// same number would leave FD_CLOEXEC set and the child would lose that descriptor.
bool above_stdio(UniqueFd& fd) {
  if (fd.get() > 2) return true;
  int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return false;
  fd.reset(moved);
  return true;
}

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return above_stdio(read_end) && above_stdio(write_end);
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill the daemon. Blocked on
// this thread while the child runs; one raised by our writes is consumed before unblocking.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      const timespec zero{};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t pipe_{};
  sigset_t old_{};
  bool was_pending_ = false;
};

struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions); }
};

struct SpawnAttr {
  posix_spawnattr_t attr;
  SpawnAttr() { posix_spawnattr_init(&attr); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr); }
};

std::vector<std::string> child_environment(const ChildSpec& spec) {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view kv(*entry);
    const bool replaced = std::any_of(spec.extra_env.begin(), spec.extra_env.end(), [&](auto& e) {
      return kv.size() > e.first.size() && kv.starts_with(e.first) && kv[e.first.size()] == '=';
    });
    if (!replaced) env.emplace_back(kv);
  }
  for (const auto& [name, value] : spec.extra_env) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Starts the child; returns 0 or an errno value.
int spawn(const ChildSpec& spec, int stdin_fd, int output_fd, pid_t& pid) {
  SpawnActions fa;
  int rc = posix_spawn_file_actions_adddup2(&fa.actions, stdin_fd, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa.actions, output_fd, 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&fa.actions, output_fd, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Whatever else the daemon has open (sockets, the database) stays out of the child, even a
  // descriptor some library opened without O_CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&fa.actions, 3);
#endif
  if (rc != 0) return rc;

  SpawnAttr sa;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  rc = posix_spawnattr_setflags(
      &sa.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  if (rc == 0) rc = posix_spawnattr_setpgroup(&sa.attr, 0);  // its own group, led by itself
  if (rc == 0) rc = posix_spawnattr_setsigmask(&sa.attr, &none);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&sa.attr, &all);  // e.g. SIGPIPE if ignored
  if (rc != 0) return rc;

  std::vector<std::string> argv = spec.argv;
  std::vector<std::string> env = child_environment(spec);
  auto argv_c = c_strings(argv);
  auto env_c = c_strings(env);
  return posix_spawnp(&pid, argv_c[0], &fa.actions, &sa.attr, argv_c.data(), env_c.data());
}

constexpr int kLost = -1;  // not a wait status the kernel produces

// Reaps `pid` if it has exited: its wait status then (or kLost), nullopt while it runs.
std::optional<int> try_reap(pid_t pid) {
  int status = 0;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return kLost;  // ECHILD: reaped behind our back (SIGCHLD ignored?)
    return std::nullopt;
  }
}

// True once `pid` has exited, without reaping it: its pid and group id stay reserved, so a
// signal to the group cannot reach an unrelated process that reused the number.
bool has_exited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno != EINTR;
  }
  return info.si_pid == pid;
}

void kill_group_and_reap(pid_t pid) {
  ::kill(-pid, SIGTERM);
  for (auto until = Clock::now() + kTermGrace; Clock::now() < until && !has_exited(pid);) {
    std::this_thread::sleep_for(kExitPoll);
  }
  // Also when the leader went on SIGTERM: its descendants may ignore it or outlive it.
  ::kill(-pid, SIGKILL);
  for (auto until = Clock::now() + kReapBound; Clock::now() < until;) {
    if (try_reap(pid)) return;
    std::this_thread::sleep_for(kExitPoll);
  }
  // Stuck in the kernel (uninterruptible I/O): reap it whenever it finally goes.
  std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
}

void keep_output(std::string& output, std::size_t cap, const char* data, std::size_t n) {
  if (output.size() < cap) output.append(data, std::min(n, cap - output.size()));
}

}  // namespace

ChildResult run_child(const ChildSpec& spec) {
  ChildResult result;
  if (spec.argv.empty() || spec.argv[0].empty()) {
    result.error = "no program to run";
    return result;
  }
  UniqueFd in_read, in_write, out_read, out_write;
  if (!make_pipe(in_read, in_write) || !make_pipe(out_read, out_write)) {
    result.error = std::string("cannot create pipes: ") + std::strerror(errno);
    return result;
  }
  SigpipeBlock sigpipe_block;  // before the child exists, so no write can race it
  pid_t pid = -1;
  if (int rc = spawn(spec, in_read.get(), out_write.get(), pid); rc != 0) {
    result.error = "cannot start \"" + spec.argv[0] + "\": " + std::strerror(rc);
    return result;
  }
  in_read.reset();  // the child's ends: EOF and EPIPE now depend on the child alone
  out_write.reset();
  set_nonblocking(in_write.get());
  set_nonblocking(out_read.get());

  std::size_t written = 0;
  if (spec.input.empty()) in_write.reset();
  const auto deadline = Clock::now() + spec.timeout;
  char buffer[kChunk];
  std::optional<int> wait_status;

  while (!(wait_status = try_reap(pid))) {
    const auto now = Clock::now();
    if (now >= deadline) {
      in_write.reset();
      out_read.reset();
      kill_group_and_reap(pid);
      result.status = ChildResult::Status::timed_out;
      return result;
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (in_write) fds[n++] = pollfd{in_write.get(), POLLOUT, 0};
    if (out_read) fds[n++] = pollfd{out_read.get(), POLLIN, 0};
    const auto left = std::chrono::ceil<milliseconds>(deadline - now);
    const auto wait = std::min(left, n > 0 ? kWakeEvery : kExitPoll);
    if (::poll(fds, n, static_cast<int>(wait.count())) < 0 && errno != EINTR) {
      std::this_thread::sleep_for(kExitPoll);  // cannot happen with valid fds; stay bounded
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == in_write.get()) {
        ssize_t w = ::write(in_write.get(), spec.input.data() + written,
                            std::min(kChunk, spec.input.size() - written));
        if (w > 0) written += static_cast<std::size_t>(w);
        // EPIPE: the child stopped reading, which is its business; its exit status decides.
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == spec.input.size()) {
          in_write.reset();
        }
      } else if (fds[i].fd == out_read.get()) {
        ssize_t r = ::read(out_read.get(), buffer, sizeof buffer);
        if (r > 0) keep_output(result.output, spec.output_cap, buffer, static_cast<std::size_t>(r));
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) out_read.reset();
      }
    }
  }

  // What the child wrote before exiting is still in the pipe; a process it left behind may
  // hold the pipe open, so read what is there now (bounded) instead of waiting for EOF.
  for (std::size_t drained = 0; out_read && drained < kDrainAfterExit;) {
    ssize_t r = ::read(out_read.get(), buffer, sizeof buffer);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    keep_output(result.output, spec.output_cap, buffer, static_cast<std::size_t>(r));
    drained += static_cast<std::size_t>(r);
  }
  if (*wait_status == kLost) {
    result.status = ChildResult::Status::lost;
  } else if (WIFSIGNALED(*wait_status)) {
    result.status = ChildResult::Status::signaled;
    result.code = WTERMSIG(*wait_status);
  } else {
    result.status = ChildResult::Status::exited;
    result.code = WIFEXITED(*wait_status) ? WEXITSTATUS(*wait_status) : 0;
  }
  return result;
}

}  // namespace slwd::handlers
