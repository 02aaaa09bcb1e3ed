#include "slwd/ops/systemd.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <ctime>

#include "slwd/ops/log.hpp"

namespace slwd::ops {
namespace {

std::string monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::to_string(static_cast<long long>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000);
}

// STATUS= is one line: a newline would start a new assignment in the datagram.
std::string one_line(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

Systemd::Systemd() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  notifying_ = socket && *socket;
  std::uint64_t usec = 0;
  // 0 = keep the variables: unsetting them here would race with threads already reading the
  // environment (the dispatcher may be spawning command handlers).
  if (::sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

Systemd::~Systemd() {
  stop_watchdog();
}

bool Systemd::notify(const std::string& message) {
  if (!notifying_) return false;
  int rc = ::sd_notify(0, message.c_str());
  if (rc > 0) return true;
  // Warn once: a broken notify socket would otherwise log on every watchdog tick.
  if (rc < 0 && !warned_.exchange(true)) {
    log(Level::warn, "sd_notify failed", {{"error", std::strerror(-rc)}});
  }
  return false;
}

void Systemd::ready(std::string_view status) {
  notify("READY=1\nSTATUS=" + one_line(status));
}

void Systemd::reloading() {
  notify("RELOADING=1\nSTATUS=reloading configuration\nMONOTONIC_USEC=" + monotonic_usec());
}

void Systemd::stopping() {
  notify("STOPPING=1\nSTATUS=draining connections and workers");
}

void Systemd::watchdog_ping() {
  notify("WATCHDOG=1");
}

void Systemd::start_watchdog(Post post) {
  if (!notifying_ || watchdog_interval_.count() <= 0 || thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = false;
  }
  thread_ = std::thread([this, post = std::move(post)] { watchdog_loop(post); });
}

void Systemd::stop_watchdog() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Systemd::watchdog_loop(Post post) {
  // Shared with the posted probes, which may outlive this loop in a stopped io_context's queue.
  auto answered = std::make_shared<std::atomic<bool>>(true);
  bool stalled = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, watchdog_interval_, [this] { return stop_; })) return;
    lock.unlock();
    if (!post) {
      watchdog_ping();
    } else if (answered->exchange(false)) {
      watchdog_ping();
      post([answered] { answered->store(true); });
      stalled = false;
    } else if (!stalled) {
      // The probe is still queued: no io thread ran for a whole interval. It flips `answered`
      // when one finally runs it, and pings resume.
      stalled = true;
      log(Level::error, "io threads unresponsive; withholding the systemd watchdog ping");
    }
    lock.lock();
  }
}

}  // namespace slwd::ops
