#pragma once
// systemd Type=notify (SPEC §8): READY=1 once listening, RELOADING=1 … READY=1 around a SIGHUP
// reload, STOPPING=1 when shutdown starts, WATCHDOG=1 pings every half of WatchdogSec.
// Everything is a no-op without $NOTIFY_SOCKET (not started by systemd, or tests), so serve
// calls these unconditionally. sd_notify is thread-safe and never waits on a reply.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace slwd::ops {

class Systemd {
 public:
  // Runs a function on the io threads (serve passes net::post onto its io_context).
  using Post = std::function<void(std::function<void()>)>;

  // Reads $NOTIFY_SOCKET and $WATCHDOG_USEC/$WATCHDOG_PID once; the environment is left as is.
  Systemd();
  ~Systemd();  // stops the watchdog thread
  Systemd(const Systemd&) = delete;
  Systemd& operator=(const Systemd&) = delete;

  // True when a service manager listens ($NOTIFY_SOCKET set).
  bool notifying() const { return notifying_; }
  // Half of WatchdogSec when systemd's watchdog is on for this process (WATCHDOG_PID unset or
  // ours), else zero.
  std::chrono::microseconds watchdog_interval() const { return watchdog_interval_; }

  void ready(std::string_view status);  // READY=1 + STATUS=
  void reloading();                     // RELOADING=1 + MONOTONIC_USEC= (systemd ≥ 253 wants it)
  void stopping();                      // STOPPING=1 + STATUS=
  void watchdog_ping();                 // WATCHDOG=1

  // Pings every watchdog_interval() from a thread of its own (an io thread never waits on it).
  // With `post`, a ping is sent only after the probe posted at the previous tick ran, so a wedged
  // io_context stops the pings and systemd restarts the daemon instead of us lying that we live.
  // Does nothing when the watchdog is off.
  void start_watchdog(Post post = {});
  void stop_watchdog();

  // The raw message, for the calls above and for tests. Returns false when it was not sent.
  bool notify(const std::string& message);

 private:
  void watchdog_loop(Post post);

  bool notifying_ = false;
  std::chrono::microseconds watchdog_interval_{0};
  std::atomic<bool> warned_{false};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace slwd::ops
