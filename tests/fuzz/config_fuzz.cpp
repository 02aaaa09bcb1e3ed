// Fuzz target: the config loader (SPEC §3) on arbitrary YAML text — the in-memory entry
// load_config_file() ends in, with ${VAR} substitution from a fixed environment. Whatever the
// text, the answer is a Config or FILE:LINE: errors, never both, never a crash; a Config that
// loads keeps the promises validate() makes to the rest of the daemon.
#include <algorithm>
#include <set>
#include <string>

#include "fuzz_check.hpp"
#include "handlers/slack_payload.hpp"
#include "slwd/config/loader.hpp"
#include "slwd/events/event.hpp"

namespace {

namespace config = slwd::config;

const std::string kFile = "fuzz.yaml";

std::optional<std::string> fake_env(const std::string& name) {
  if (name == "SLWD_SECRET") return "env-secret";
  if (name == "SLWD_EMPTY") return "";
  if (name == "SLWD_PORT") return "8080";
  return std::nullopt;
}

void check_errors(std::string_view yaml, const std::vector<config::ConfigError>& errors) {
  // yaml-cpp counts CR, LF and CRLF as line breaks; a line past the last one is still in range
  // (the end of the text).
  const auto breaks = std::count(yaml.begin(), yaml.end(), '\n') + std::count(yaml.begin(), yaml.end(), '\r');
  int previous = 0;
  for (const auto& error : errors) {
    SLWD_FUZZ_CHECK(error.file == kFile, "errors name the file");
    SLWD_FUZZ_CHECK(error.line >= 1 && error.line <= breaks + 2, "errors point into the text");
    SLWD_FUZZ_CHECK(error.line >= previous, "errors come in file order");
    SLWD_FUZZ_CHECK(!error.message.empty(), "errors say what is wrong");
    SLWD_FUZZ_CHECK(error.to_string().starts_with(kFile + ":" + std::to_string(error.line) + ": "),
                    "errors read FILE:LINE: message");
    previous = error.line;
  }
}

void check_config(const config::Config& cfg) {
  SLWD_FUZZ_CHECK(!cfg.endpoints.empty(), "a config has endpoints");
  SLWD_FUZZ_CHECK(!cfg.handlers.empty(), "a config has handlers");
  std::set<std::string> paths;
  for (const auto& endpoint : cfg.endpoints) {
    SLWD_FUZZ_CHECK(paths.insert(endpoint.path).second, "endpoint paths are unique");
    SLWD_FUZZ_CHECK(!endpoint.require_signature || !endpoint.secrets.empty(),
                    "a signed endpoint has a secret");
    const auto& names = endpoint.handlers;
    SLWD_FUZZ_CHECK(!names.empty(), "an endpoint routes somewhere");
    if (names.size() == 1 && names.front() == "all") continue;
    std::set<std::string> seen;
    for (const auto& name : names) {
      SLWD_FUZZ_CHECK(cfg.find_handler(name) != nullptr, "endpoints name existing handlers");
      SLWD_FUZZ_CHECK(seen.insert(name).second, "an endpoint names a handler once");
    }
  }
  std::set<std::string> names;
  for (const auto& handler : cfg.handlers) {
    SLWD_FUZZ_CHECK(!handler.name.empty(), "handlers have names");
    SLWD_FUZZ_CHECK(names.insert(handler.name).second, "handler names are unique");
    if (handler.events) {
      for (const auto& type : *handler.events) {
        SLWD_FUZZ_CHECK(slwd::events::canonical_event_type(type) == type,
                        "handler events are canonical type names");
      }
    }
    const auto& retry = handler.retry.value_or(cfg.delivery.retry);
    SLWD_FUZZ_CHECK(retry.initial <= retry.max, "retry.initial <= retry.max");
    if (handler.type == "slack") {
      // The loader validated the templates; the handler must be able to build from them.
      try {
        (void)slwd::handlers::slack::payload_options(handler);
      } catch (const std::exception&) {
        SLWD_FUZZ_CHECK(false, "a loaded slack handler's templates parse");
      }
    }
  }
  SLWD_FUZZ_CHECK(cfg.delivery.retry.initial <= cfg.delivery.retry.max, "retry.initial <= retry.max");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view yaml = slwd::fuzz::as_text(data, size);
  const config::LoadResult result = config::load_config_text(yaml, kFile, fake_env);
  SLWD_FUZZ_CHECK(result.config.has_value() == result.errors.empty(), "config xor errors");
  check_errors(yaml, result.errors);
  if (result.config) check_config(*result.config);

  // The scalar parsers see the same operator text.
  (void)config::parse_duration(yaml);
  (void)config::parse_size(yaml);
  return 0;
}
