// Cross-field checks, run once the whole document is read. Each problem is reported at the line
// of the later of the keys involved, so the operator is pointed at what made it a conflict.
#include <algorithm>
#include <map>

#include "scalars.hpp"
#include "schema.hpp"

namespace slwd::config::detail {
namespace {

struct HostPort {
  std::string host;
  std::string port;
};

// Precondition: check_listen_address() accepted it.
HostPort split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, listen.substr(colon + 1)};
}

bool is_wildcard(const std::string& host) {
  return host == "0.0.0.0" || host == "::";
}

void check_listen_conflict(Reader& reader, const Draft& draft) {
  if (!draft.server_listen_line && !draft.admin_listen_line) return;
  auto server = split_listen(draft.config.server.listen);
  auto admin = split_listen(draft.config.admin.listen);
  if (server.port != admin.port) return;
  if (server.host != admin.host && !is_wildcard(server.host) && !is_wildcard(admin.host)) return;
  int line = std::max(draft.server_listen_line, draft.admin_listen_line);
  bool admin_later = draft.admin_listen_line >= draft.server_listen_line;
  reader.error(line, std::string(admin_later ? "admin.listen" : "server.listen") +
                         ": the admin port must differ from the public port (" +
                         draft.config.server.listen + " / " + draft.config.admin.listen + ")");
}

void check_retry_bounds(Reader& reader, const RetryConfig& retry, const RetryDraft& lines,
                        const std::string& where) {
  if (retry.max >= retry.initial) return;
  int line = std::max(lines.initial_line, lines.max_line);
  if (line == 0) return;  // neither key given here: reported where they were given
  reader.error(line, where + ": initial must not be above max");
}

RetryConfig merge_retry(const RetryConfig& base, const RetryDraft& over) {
  RetryConfig merged = base;
  assign(merged.max_attempts, over.max_attempts);
  assign(merged.initial, over.initial);
  assign(merged.multiplier, over.multiplier);
  assign(merged.max, over.max);
  assign(merged.jitter, over.jitter);
  return merged;
}

void check_endpoints(Reader& reader, Draft& draft) {
  Config& config = draft.config;
  std::map<std::string, int> path_lines;
  for (std::size_t i = 0; i < config.endpoints.size(); ++i) {
    EndpointConfig& endpoint = config.endpoints[i];
    const EndpointDraft& lines = draft.endpoints[i];
    std::string where = "endpoints[" + std::to_string(i) + "]";

    if (lines.path_line) {
      auto [it, inserted] = path_lines.emplace(endpoint.path, lines.path_line);
      if (!inserted) {
        reader.error(lines.path_line, where + ".path: " + quoted(endpoint.path) +
                                          " is already used by the endpoint at line " +
                                          std::to_string(it->second));
      }
    }

    if (endpoint.require_signature && endpoint.secrets.empty() && !lines.secrets_failed &&
        !lines.require_signature_failed) {
      int line = std::max({lines.secrets_line, lines.require_signature_line, lines.line});
      reader.error(line, where +
                             ": require_signature is true but no secret is configured (set "
                             "secrets or secrets_file, or require_signature: false)");
    }

    if (!lines.handlers_line || lines.handler_refs.empty()) continue;  // default [all] or reported
    std::vector<std::string> names;
    bool ok = true;
    bool has_all = std::any_of(lines.handler_refs.begin(), lines.handler_refs.end(),
                               [](const Located& ref) { return ref.value == "all"; });
    for (std::size_t j = 0; j < lines.handler_refs.size(); ++j) {
      const Located& ref = lines.handler_refs[j];
      std::string ref_path = where + ".handlers[" + std::to_string(j) + "]";
      if (has_all && lines.handler_refs.size() > 1) {
        if (ref.value == "all") {
          reader.error(ref.line, ref_path + ": \"all\" must be the only entry");
          ok = false;
        }
        continue;
      }
      if (ref.value == "all") {
        names.push_back(ref.value);
        continue;
      }
      if (std::find(names.begin(), names.end(), ref.value) != names.end()) {
        reader.error(ref.line, ref_path + ": handler " + quoted(ref.value) + " is listed twice");
        ok = false;
        continue;
      }
      if (!config.find_handler(ref.value)) {
        reader.error(ref.line, ref_path + ": no handler is named " + quoted(ref.value));
        ok = false;
        continue;
      }
      names.push_back(ref.value);
    }
    if (ok) endpoint.handlers = std::move(names);
  }
  if (!draft.endpoints_line && !draft.top_level_invalid) {
    reader.error(1, "no endpoints configured: add an \"endpoints:\" list");
  }
}

void check_handlers(Reader& reader, Draft& draft) {
  Config& config = draft.config;
  std::map<std::string, int> name_lines;
  for (std::size_t i = 0; i < config.handlers.size(); ++i) {
    HandlerConfig& handler = config.handlers[i];
    const HandlerDraft& lines = draft.handlers[i];
    std::string where = "handlers[" + std::to_string(i) + "]";
    if (lines.name_line && !handler.name.empty()) {
      auto [it, inserted] = name_lines.emplace(handler.name, lines.name_line);
      if (!inserted) {
        reader.error(lines.name_line, where + ".name: " + quoted(handler.name) +
                                          " is already used by the handler at line " +
                                          std::to_string(it->second));
      }
    }
    if (lines.retry.line) {
      handler.retry = merge_retry(config.delivery.retry, lines.retry);
      check_retry_bounds(reader, *handler.retry, lines.retry, where + ".retry");
    }
  }
  if (!draft.handlers_line && !draft.top_level_invalid) {
    reader.error(1, "no handlers configured: add a \"handlers:\" list (e.g. one of type log)");
  }
}

}  // namespace

void validate(Reader& reader, Draft& draft) {
  check_listen_conflict(reader, draft);
  check_retry_bounds(reader, draft.config.delivery.retry, draft.delivery_retry, "delivery.retry");
  check_endpoints(reader, draft);
  check_handlers(reader, draft);
}

}  // namespace slwd::config::detail
