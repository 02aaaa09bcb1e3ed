#include "slwd/ops/log.hpp"
#include "slwd/ops/time_format.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>
#include <mutex>

namespace slwd::ops {
namespace {

constexpr std::array<std::string_view, 7> kLevelNames = {"trace", "debug", "info", "warn",
                                                         "error", "critical", "off"};

struct State {
  std::mutex mutex;
  LogSettings settings;
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<int> level{static_cast<int>(Level::info)};
};

State& state() {
  static State s;
  return s;
}

std::shared_ptr<spdlog::logger> make_logger() {
  // stderr: systemd's journal and container runtimes collect it; stdout stays free for
  // subcommands' own output.
  auto logger = std::make_shared<spdlog::logger>(
      "slwd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%v");  // we render the whole line ourselves
  logger->set_level(spdlog::level::trace);
  logger->flush_on(spdlog::level::trace);
  return logger;
}

// Masks the local part of anything that looks like an address: "jane@x.com" -> "***@x.com".
std::string redact_emails(std::string_view line) {
  std::string out(line);
  auto is_local = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
           c == '+' || c == '-';
  };
  for (std::size_t at = out.find('@'); at != std::string::npos; at = out.find('@', at + 1)) {
    std::size_t start = at;
    while (start > 0 && is_local(out[start - 1])) --start;
    if (start == at || at + 1 >= out.size() || !is_local(out[at + 1])) continue;
    out.replace(start, at - start, "***");
    at = start + 3;
  }
  return out;
}

std::string timestamp_now() {
  using namespace std::chrono;
  return iso8601_ms(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += ch;
        }
    }
  }
}

bool parse_level(std::string_view name, Level& out) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) {
      out = static_cast<Level>(i);
      return true;
    }
  }
  return false;
}

void configure_logging(const LogSettings& settings) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  s.settings = settings;
  if (!s.logger) s.logger = make_logger();
  s.level.store(static_cast<int>(settings.level));
}

bool log_enabled(Level level) {
  return level != Level::off && static_cast<int>(level) >= state().level.load();
}

std::string format_log_line(Level level, std::string_view message,
                            std::initializer_list<LogField> fields, const LogSettings& settings) {
  std::string line;
  line.reserve(128);
  if (settings.json) {
    line += "{\"ts\":\"";
    line += timestamp_now();
    line += "\",\"level\":\"";
    line += kLevelNames[static_cast<int>(level)];
    line += "\",\"msg\":\"";
    append_json_escaped(line, message);
    line += '"';
    for (const auto& f : fields) {
      line += ",\"";
      append_json_escaped(line, f.key);
      line += "\":\"";
      append_json_escaped(line, f.value);
      line += '"';
    }
    line += '}';
  } else {
    line += timestamp_now();
    line += ' ';
    line += kLevelNames[static_cast<int>(level)];
    line += ' ';
    line += message;
    for (const auto& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      bool quote = f.value.empty() || f.value.find_first_of(" \"=") != std::string_view::npos;
      if (quote) {
        line += '"';
        append_json_escaped(line, f.value);
        line += '"';
      } else {
        line += f.value;
      }
    }
  }
  if (settings.redact_emails) line = redact_emails(line);
  return line;
}

void log(Level level, std::string_view message, std::initializer_list<LogField> fields) {
  if (!log_enabled(level)) return;
  auto& s = state();
  LogSettings settings;
  std::shared_ptr<spdlog::logger> logger;
  {
    std::lock_guard lock(s.mutex);
    if (!s.logger) s.logger = make_logger();
    settings = s.settings;
    logger = s.logger;
  }
  logger->log(spdlog::level::info, "{}", format_log_line(level, message, fields, settings));
}

}  // namespace slwd::ops
