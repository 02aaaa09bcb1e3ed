#pragma once
#include "slwd/handlers/handler.hpp"

namespace slwd::handlers {

// `log`: one structured log line per event (SPEC §6).
class LogHandler final : public Handler {
 public:
  explicit LogHandler(std::string name) : name_(std::move(name)) {}
  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;
  std::size_t max_batch() const override { return 256; }

 private:
  std::string name_;
};

}  // namespace slwd::handlers
