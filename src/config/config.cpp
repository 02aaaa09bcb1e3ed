// Lookups on the immutable Config.
#include "slwd/config/config.hpp"

#include <algorithm>

namespace slwd::config {

const HandlerConfig* Config::find_handler(const std::string& name) const {
  auto it = std::find_if(handlers.begin(), handlers.end(),
                         [&](const HandlerConfig& handler) { return handler.name == name; });
  return it == handlers.end() ? nullptr : &*it;
}

const EndpointConfig* Config::find_endpoint(std::string_view path) const {
  auto it = std::find_if(endpoints.begin(), endpoints.end(),
                         [&](const EndpointConfig& endpoint) { return endpoint.path == path; });
  return it == endpoints.end() ? nullptr : &*it;
}

std::vector<std::string> Config::handlers_of(const EndpointConfig& endpoint) const {
  bool all = std::find(endpoint.handlers.begin(), endpoint.handlers.end(), "all") !=
             endpoint.handlers.end();
  std::vector<std::string> names;
  // Config order in both cases, so routing does not depend on how the endpoint lists them.
  for (const auto& handler : handlers) {
    if (all || std::find(endpoint.handlers.begin(), endpoint.handlers.end(), handler.name) !=
                   endpoint.handlers.end()) {
      names.push_back(handler.name);
    }
  }
  return names;
}

}  // namespace slwd::config
