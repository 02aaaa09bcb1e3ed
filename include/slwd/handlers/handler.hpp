#pragma once
// A Handler turns recorded events into an action (SPEC §6). Delivery lanes hand it batches of
// claimed work; it reports one Outcome per item and never touches the store itself.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slwd/config/config.hpp"
#include "slwd/store/store.hpp"

namespace slwd::handlers {

enum class OutcomeKind { success, retryable, permanent };

struct Outcome {
  OutcomeKind kind = OutcomeKind::success;
  std::string error;                          // for the dead letter / log; never a secret
  std::optional<std::int64_t> retry_after_ms;  // the earliest next attempt, relative to now
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Delivers `items` (all for this handler) and sets outcomes[i] for items[i].
  // A lane calls one handler from one worker at a time.
  virtual void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) = 0;
  // How many items a lane may hand over in one call (batching fsyncs, for example).
  virtual std::size_t max_batch() const { return 1; }
};

// Builds the handler a config entry describes; `delivery` supplies the defaults its own keys
// override (timeout). Throws std::runtime_error naming the handler when it cannot run here
// (e.g. the file cannot be opened).
std::unique_ptr<Handler> make_handler(const config::HandlerConfig& config,
                                      const config::DeliveryConfig& delivery);

}  // namespace slwd::handlers
