#pragma once
// Structured logging on spdlog: every line is a message plus key/value fields, written as one
// JSON object (logging.format: json) or as `message key=value ...` (text). Secrets must never be
// passed in here: callers log ids and names, never signatures, tokens or bodies.
#include <initializer_list>
#include <string>
#include <string_view>

namespace slwd::ops {

enum class Level { trace, debug, info, warn, error, critical, off };

struct LogField {
  std::string_view key;
  std::string_view value;
};

struct LogSettings {
  Level level = Level::info;
  bool json = true;
  bool redact_emails = false;
};

// nullopt-like: returns false when the name is not a level.
bool parse_level(std::string_view name, Level& out);

// Thread-safe; may be called again on reload.
void configure_logging(const LogSettings& settings);
bool log_enabled(Level level);
void log(Level level, std::string_view message, std::initializer_list<LogField> fields = {});

// Appends `s` JSON-escaped (quotes, backslashes, control characters), without the quotes.
void append_json_escaped(std::string& out, std::string_view s);

// Renders a line without writing it (exposed for tests).
std::string format_log_line(Level level, std::string_view message,
                            std::initializer_list<LogField> fields, const LogSettings& settings);

}  // namespace slwd::ops
