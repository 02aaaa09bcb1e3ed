#include "command_handler.hpp"

#include <stdexcept>

#include "child_process.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::handlers {

CommandHandler::CommandHandler(const config::HandlerConfig& config,
                               std::chrono::milliseconds timeout)
    : name_(config.name), argv_(config.argv), timeout_(timeout) {
  if (argv_.empty() || argv_.front().empty()) throw std::invalid_argument("argv is required");
}

void CommandHandler::deliver(const std::vector<store::WorkItem>& items,
                             std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < items.size(); ++i) outcomes[i] = run_one(items[i]);
}

Outcome CommandHandler::run_one(const store::WorkItem& item) const {
  ChildSpec spec;
  spec.argv = argv_;
  spec.extra_env = {{"SMARTLEAD_EVENT_TYPE", item.event_type},
                    {"SMARTLEAD_DELIVERY_ID", item.delivery_id}};
  spec.input = item.body;
  spec.timeout = timeout_;
  spec.output_cap = kOutputCap;
  const ChildResult result = run_child(spec);

  if (!result.output.empty() && ops::log_enabled(ops::Level::debug)) {
    ops::log(ops::Level::debug, "command output",
             {{"handler", name_}, {"delivery_id", item.delivery_id}, {"output", result.output}});
  }
  using Status = ChildResult::Status;
  switch (result.status) {
    case Status::exited:
      if (result.code == 0) return Outcome{};
      return Outcome{OutcomeKind::retryable, "exit status " + std::to_string(result.code),
                     std::nullopt};
    case Status::signaled:
      return Outcome{OutcomeKind::retryable, "killed by signal " + std::to_string(result.code),
                     std::nullopt};
    case Status::timed_out:
      return Outcome{OutcomeKind::retryable,
                     "timeout after " + std::to_string(timeout_.count()) + " ms", std::nullopt};
    case Status::lost:
      return Outcome{OutcomeKind::retryable, "exit status unknown (reaped elsewhere)",
                     std::nullopt};
    case Status::not_started:
      break;
  }
  return Outcome{OutcomeKind::retryable, result.error, std::nullopt};
}

}  // namespace slwd::handlers
