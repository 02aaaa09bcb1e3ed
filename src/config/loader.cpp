// Entry points: file/text -> LoadResult, the built-in defaults, and the process environment.
#include "slwd/config/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reader.hpp"
#include "schema.hpp"
#include "single_document.hpp"

namespace slwd::config {
namespace {

constexpr const char* kBuiltinSource = "<built-in defaults>";
constexpr const char* kSecretVariable = "SMARTLEAD_WEBHOOK_SECRET";

LoadResult finish(Config config, std::vector<ConfigError> errors) {
  // File order, so the first line printed is the first problem in the file; stable so that
  // problems on one line keep the order they were found in.
  std::stable_sort(errors.begin(), errors.end(),
                   [](const ConfigError& a, const ConfigError& b) { return a.line < b.line; });
  LoadResult result;
  if (errors.empty()) result.config = std::move(config);
  result.errors = std::move(errors);
  return result;
}

}  // namespace

std::string ConfigError::to_string() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ": " + message;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

LoadResult load_config_text(std::string_view yaml, const std::string& file_name,
                            const EnvLookup& env) {
  std::vector<ConfigError> errors;
  detail::Draft draft;
  draft.config.source = file_name;
  detail::Reader reader(file_name, env, errors);
  try {
    detail::SingleDocument document = detail::read_single_document(yaml);
    if (document.extra_line > 0) {
      reader.error(document.extra_line, document.extra);
      return finish(std::move(draft.config), std::move(errors));
    }
    detail::read_document(reader, document.root, draft);
    detail::validate(reader, draft);
  } catch (const YAML::ParserException& e) {
    // A syntax error makes the rest of the document meaningless: report it alone.
    errors.clear();
    errors.push_back(ConfigError{file_name, e.mark.line >= 0 ? e.mark.line + 1 : 1,
                                 "YAML syntax error: " + e.msg});
  } catch (const YAML::Exception& e) {
    // The walk checks node types before use, so this means a yaml-cpp corner we did not foresee;
    // still a config error, never a crash.
    errors.push_back(ConfigError{file_name, e.mark.line >= 0 ? e.mark.line + 1 : 1, e.msg});
  }
  return finish(std::move(draft.config), std::move(errors));
}

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
  LoadResult unreadable;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    unreadable.errors.push_back(ConfigError{path, 0, "cannot read config file: is a directory"});
    return unreadable;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    unreadable.errors.push_back(
        ConfigError{path, 0, std::string("cannot read config file: ") + std::strerror(errno)});
    return unreadable;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    unreadable.errors.push_back(ConfigError{path, 0, "cannot read config file: read error"});
    return unreadable;
  }
  return load_config_text(text.str(), path, env);
}

LoadResult builtin_default_config(bool insecure_no_signature, const EnvLookup& env) {
  Config config;
  config.source = kBuiltinSource;
  EndpointConfig endpoint;  // /webhooks/smartlead, handlers [all]
  auto secret = env ? env(kSecretVariable) : std::nullopt;
  if (secret && !secret->empty()) endpoint.secrets.push_back(*secret);
  std::vector<ConfigError> errors;
  if (insecure_no_signature) {
    endpoint.require_signature = false;
  } else if (endpoint.secrets.empty()) {
    errors.push_back(ConfigError{
        kBuiltinSource, 0,
        std::string(kSecretVariable) +
            " is not set (set it to the webhook secret configured in SmartLead, pass --config "
            "FILE, or --insecure-no-signature to accept unsigned requests)"});
  }
  config.endpoints.push_back(std::move(endpoint));
  HandlerConfig log;
  log.name = "log";
  log.type = "log";
  config.handlers.push_back(std::move(log));
  return finish(std::move(config), std::move(errors));
}

}  // namespace slwd::config
