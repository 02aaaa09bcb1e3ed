#pragma once
// Shared helpers for the handler tests: work items, handler configs, a temporary directory and
// one-call delivery through the public factory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "slwd/handlers/handler.hpp"

namespace slwd::handlers::test {

inline store::WorkItem work_item(std::string delivery_id, std::string body,
                                 std::string event_type = "EMAIL_REPLY",
                                 std::string level = "campaign") {
  store::WorkItem item;
  item.id = "outbox-" + delivery_id;
  item.handler = "h";
  item.delivery_id = std::move(delivery_id);
  item.endpoint = "/webhooks/smartlead";
  item.level = std::move(level);
  item.event_type = std::move(event_type);
  item.received_at_ms = 1700000000123;
  item.body = std::move(body);
  return item;
}

inline config::HandlerConfig handler_config(std::string type, std::string name = "h") {
  config::HandlerConfig c;
  c.name = std::move(name);
  c.type = std::move(type);
  return c;
}

inline std::unique_ptr<Handler> make(const config::HandlerConfig& config) {
  return make_handler(config, config::DeliveryConfig{});
}

inline std::vector<Outcome> deliver(Handler& handler, const std::vector<store::WorkItem>& items) {
  std::vector<Outcome> outcomes(items.size(),
                                Outcome{OutcomeKind::permanent, "not set", std::nullopt});
  handler.deliver(items, outcomes);
  return outcomes;
}

inline Outcome deliver_one(Handler& handler, const store::WorkItem& item) {
  return deliver(handler, {item}).front();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "slwd-handlers-XXXXXX");
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path(const std::string& name = "") const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace slwd::handlers::test
