#pragma once
// Shared helpers for the config tests: an injected environment and error lines as strings.
#include <map>
#include <string>
#include <vector>

#include "slwd/config/loader.hpp"

namespace slwd::config::test {

inline EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// Raw-string YAML in tests starts with a newline so that line 1 is the first line written.
inline LoadResult load(std::string yaml, std::map<std::string, std::string> env = {}) {
  if (!yaml.empty() && yaml.front() == '\n') yaml.erase(0, 1);
  return load_config_text(yaml, "test.yaml", env_of(std::move(env)));
}

inline std::vector<std::string> messages(const LoadResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

// The smallest valid document; tests append or replace sections around it.
inline constexpr const char* kMinimalTail = R"(endpoints:
  - path: /hook
    secrets: [s3cret]
handlers:
  - name: log
    type: log
)";

}  // namespace slwd::config::test
