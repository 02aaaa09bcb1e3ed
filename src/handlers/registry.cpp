#include <stdexcept>

#include "command_handler.hpp"
#include "file_handler.hpp"
#include "http_handler.hpp"
#include "hubspot_handler.hpp"
#include "log_handler.hpp"
#include "slack_handler.hpp"
#include "slwd/handlers/handler.hpp"

namespace slwd::handlers {

std::unique_ptr<Handler> make_handler(const config::HandlerConfig& config,
                                      const config::DeliveryConfig& delivery) {
  try {
    if (config.type == "log") return std::make_unique<LogHandler>(config.name);
    if (config.type == "file") return std::make_unique<FileHandler>(config.path, config.fsync);
    if (config.type == "http")
      return std::make_unique<HttpHandler>(config, config.timeout.value_or(delivery.timeout));
    if (config.type == "hubspot")
      return std::make_unique<HubspotHandler>(config, config.timeout.value_or(delivery.timeout),
                                              config.retry.value_or(delivery.retry));
    if (config.type == "slack")
      return std::make_unique<SlackHandler>(config, config.timeout.value_or(delivery.timeout));
    if (config.type == "command")
      return std::make_unique<CommandHandler>(config, config.timeout.value_or(delivery.timeout));
  } catch (const std::exception& e) {
    throw std::runtime_error("handler \"" + config.name + "\": " + e.what());
  }
  throw std::runtime_error("handler \"" + config.name + "\": type \"" + config.type +
                           "\" is not available in this build yet");
}

}  // namespace slwd::handlers
