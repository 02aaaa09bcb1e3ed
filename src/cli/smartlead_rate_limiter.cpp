#include "smartlead_rate_limiter.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

namespace slwd::cli {
namespace {

// The directory must be a real directory owned by us and private: in /tmp another user could
// have made it first to feed us a window that never frees.
bool usable_private_dir(const std::string& dir) {
  ::mkdir(dir.c_str(), 0700);  // EEXIST is fine: checked below
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) && st.st_uid == ::getuid() && (st.st_mode & 0077) == 0;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

bool write_all(int fd, const std::string& text) {
  if (::ftruncate(fd, 0) != 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Owners are "<pid>:<sequence>"; a pid that no longer exists cannot finish its request.
bool owner_alive(std::string_view owner) {
  auto colon = owner.find(':');
  long pid = std::strtol(std::string(owner.substr(0, colon)).c_str(), nullptr, 10);
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

class LockedFile {
 public:
  explicit LockedFile(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~LockedFile() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the lock
  }
  LockedFile(const LockedFile&) = delete;
  LockedFile& operator=(const LockedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

SmartleadRateLimiter::SmartleadRateLimiter(std::string state_path) : path_(std::move(state_path)) {}

std::string SmartleadRateLimiter::default_state_path() {
  if (const char* explicit_path = std::getenv("SMARTLEAD_RATE_LIMIT_FILE")) {
    return explicit_path;
  }
  std::string dir;
  if (const char* runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime) {
    dir = std::string(runtime) + "/smartlead-webhookd";
  } else {
    dir = "/tmp/smartlead-webhookd-" + std::to_string(::getuid());
  }
  return usable_private_dir(dir) ? dir + "/api-rate" : std::string();
}

template <typename Change>
auto SmartleadRateLimiter::with_window(Change change) {
  if (!path_.empty()) {
    LockedFile file(path_);
    if (file.fd() >= 0) {
      RateWindow window = RateWindow::parse(read_all(file.fd()));
      auto result = change(window);
      if (write_all(file.fd(), window.serialize())) return result;
    }
    // The file is unusable (read-only, full disk, foreign): this process keeps its own
    // window from now on rather than failing the command.
    path_.clear();
  }
  return change(memory_);
}

std::string SmartleadRateLimiter::acquire() {
  const std::string ticket = std::to_string(::getpid()) + ":" + std::to_string(++sequence_);
  for (;;) {
    std::int64_t wait = with_window([&](RateWindow& window) {
      const std::int64_t now = monotonic_ms();
      window.finish_abandoned(owner_alive, now);
      return window.try_admit(ticket, now);
    });
    if (wait == 0) return ticket;
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  }
}

void SmartleadRateLimiter::release(const std::string& ticket) {
  with_window([&](RateWindow& window) {
    window.finish(ticket, monotonic_ms());
    return 0;
  });
}

}  // namespace slwd::cli
