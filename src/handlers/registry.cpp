#include <stdexcept>

#include "file_handler.hpp"
#include "log_handler.hpp"
#include "slwd/handlers/handler.hpp"

namespace slwd::handlers {

std::unique_ptr<Handler> make_handler(const config::HandlerConfig& config) {
  try {
    if (config.type == "log") return std::make_unique<LogHandler>(config.name);
    if (config.type == "file") return std::make_unique<FileHandler>(config.path, config.fsync);
  } catch (const std::exception& e) {
    throw std::runtime_error("handler \"" + config.name + "\": " + e.what());
  }
  throw std::runtime_error("handler \"" + config.name + "\": type \"" + config.type +
                           "\" is not available in this build yet");
}

}  // namespace slwd::handlers
