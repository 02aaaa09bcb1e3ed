#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "slwd/handlers/handler.hpp"

namespace slwd::handlers {

// `command` (SPEC §6): runs `argv` without a shell, the raw body on stdin,
// SMARTLEAD_EVENT_TYPE and SMARTLEAD_DELIVERY_ID added to the daemon's environment. Exit 0 is
// success; any other end — an exit status, a signal, the timeout (the process group is killed),
// a program that cannot start — is retryable. Output (stdout + stderr, first 64 KiB) is logged
// at debug level only: it may echo the event. One command at a time per handler.
class CommandHandler final : public Handler {
 public:
  static constexpr std::size_t kOutputCap = 64 * 1024;

  // Throws std::invalid_argument when argv is empty.
  CommandHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout);

  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;
  std::size_t max_batch() const override { return 1; }

 private:
  Outcome run_one(const store::WorkItem& item) const;

  std::string name_;
  std::vector<std::string> argv_;
  std::chrono::milliseconds timeout_;
};

}  // namespace slwd::handlers
