#pragma once
// YAML -> Config (SPEC §3): ${VAR} / ${VAR:-default} substitution, <key>_file secrets,
// durations and sizes, unknown keys and bad values reported all at once as FILE:LINE: message.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slwd/config/config.hpp"

namespace slwd::config {

struct ConfigError {
  std::string file;
  int line = 0;  // 1-based; 0 when no line applies (file unreadable)
  std::string message;
  std::string to_string() const;  // "FILE:LINE: message"
};

struct LoadResult {
  std::optional<Config> config;     // set only when errors is empty
  std::vector<ConfigError> errors;  // in file order
};

// Looks up an environment variable; nullopt = unset. Injected so tests need no real env.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

LoadResult load_config_file(const std::string& path, const EnvLookup& env = process_env());
LoadResult load_config_text(std::string_view yaml, const std::string& file_name,
                            const EnvLookup& env = process_env());

// SPEC §3 "Built-in defaults": secret from $SMARTLEAD_WEBHOOK_SECRET; when unset the result
// carries one error naming the variable, unless insecure_no_signature.
LoadResult builtin_default_config(bool insecure_no_signature, const EnvLookup& env = process_env());

// Durations "500ms" "10s" "5m" "2h" "7d"; sizes "512" "64KiB" "4MiB" "1GiB". nullopt = bad.
std::optional<Duration> parse_duration(std::string_view text);
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace slwd::config
