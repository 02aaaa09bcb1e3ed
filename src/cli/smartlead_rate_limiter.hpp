#pragma once
// Keeps every smartlead-webhookd process of this user under SmartLead's 10 requests per 2 s
// (the limit is per account, and a shell loop of `smartlead webhooks get` is as likely as one
// process sending many). The RateWindow lives in a small state file, locked with flock(2)
// while it is read and rewritten; when the file cannot be used, the window is kept in this
// process only. Blocking: acquire() sleeps until a slot is free.
#include <cstdint>
#include <string>

#include "smartlead_rate_window.hpp"

namespace slwd::cli {

class SmartleadRateLimiter {
 public:
  // `state_path` empty = in this process only.
  explicit SmartleadRateLimiter(std::string state_path);

  // $SMARTLEAD_RATE_LIMIT_FILE, else $XDG_RUNTIME_DIR/smartlead-webhookd/api-rate, else
  // /tmp/smartlead-webhookd-<uid>/api-rate (the directory is created 0700 and must be ours).
  // Empty when none is usable.
  static std::string default_state_path();

  // Waits for a slot and returns its ticket, to be passed to release() once the answer came.
  std::string acquire();
  void release(const std::string& ticket);

 private:
  // Runs `change` on the current window (from the file, or memory) and stores the result.
  template <typename Change>
  auto with_window(Change change);

  std::string path_;
  RateWindow memory_;
  std::uint64_t sequence_ = 0;
};

// A monotonic clock shared by all processes of the machine (CLOCK_MONOTONIC), in ms.
std::int64_t monotonic_ms();

}  // namespace slwd::cli
