// handlers: section. The keys a handler accepts depend on its `type`, so the type is read first.
#include <algorithm>
#include <set>

#include "scalars.hpp"
#include "schema.hpp"
#include "slwd/events/event.hpp"
#include "slwd/events/template.hpp"

namespace slwd::config::detail {
namespace {

struct TypeKeys {
  const char* type;
  std::vector<std::string> keys;
};

// Type-specific keys, `_file` forms included. Everything else is common or unknown.
const std::vector<TypeKeys>& type_keys() {
  static const std::vector<TypeKeys> kTypeKeys = {
      {"log", {}},
      {"file", {"path", "fsync"}},
      {"http", {"url", "url_file", "secret", "secret_file", "headers"}},
      {"slack", {"url", "url_file", "app_url", "template"}},
      {"hubspot", {"token", "token_file", "base_url", "properties", "category_map"}},
      {"command", {"argv"}},
  };
  return kTypeKeys;
}

const TypeKeys* find_type(const std::string& type) {
  for (const auto& entry : type_keys()) {
    if (type == entry.type) return &entry;
  }
  return nullptr;
}

std::string known_event_list() {
  std::string list;
  for (auto name : slwd::events::known_event_types()) {
    list += list.empty() ? "" : ", ";
    list += name;
  }
  return list;
}

std::optional<std::string> canonical_event(Reader& reader, const Field& field,
                                           const std::string& name) {
  auto canonical = slwd::events::canonical_event_type(name);
  if (!canonical) {
    reader.error(field.line, field.path + ": unknown event type " + quoted(name) +
                                 " (known: " + known_event_list() + ")");
    return std::nullopt;
  }
  return std::string(*canonical);
}

// A list of event types (a single value counts as a one-element list), canonicalized and
// de-duplicated in order. An empty list is refused: it would silently match nothing.
std::optional<std::vector<std::string>> event_list(Reader& reader, const Field& field) {
  auto items = reader.list(field, true);
  if (!items) return std::nullopt;
  if (items->empty()) {
    reader.error(field.line, field.path + ": empty list (leave the key out to match every type)");
    return std::nullopt;
  }
  std::vector<std::string> events;
  bool ok = true;
  for (const auto& item : *items) {
    auto name = reader.non_empty_text(item);
    auto canonical = name ? canonical_event(reader, item, *name) : std::nullopt;
    if (!canonical) {
      ok = false;
      continue;
    }
    if (std::find(events.begin(), events.end(), *canonical) == events.end()) {
      events.push_back(*canonical);
    }
  }
  if (!ok) return std::nullopt;
  return events;
}

std::optional<std::vector<std::string>> filter_values(Reader& reader, const Field& field) {
  auto items = reader.list(field, true);
  if (!items) return std::nullopt;
  if (items->empty()) {
    reader.error(field.line, field.path + ": empty list (leave the key out for no condition)");
    return std::nullopt;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (const auto& item : *items) {
    // Integers stay as their decimal text: the filter compares 123 and "123" as equal.
    if (auto value = reader.non_empty_text(item))
      values.push_back(std::move(*value));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return values;
}

void read_filter(Reader& reader, const Field& field, FilterConfig& filter) {
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  walker.on("campaign_id",
            [&](const Field& f) { assign(filter.campaign_id, filter_values(reader, f)); });
  walker.on("category", [&](const Field& f) { assign(filter.category, filter_values(reader, f)); });
  walker.on("level", [&](const Field& f) { assign(filter.level, filter_values(reader, f)); });
  walker.on("event_type",
            [&](const Field& f) { assign(filter.event_type, event_list(reader, f)); });
  walker.run();
}

void read_rate_limit(Reader& reader, const Field& field, HandlerConfig& handler) {
  if (!reader.expect_map(field)) return;
  RateLimit limit;
  bool ok = true;
  MapWalker walker(reader, field);
  walker.on("per_second", [&](const Field& f) {
    auto value = reader.number(f, 0, false);
    ok = ok && value;
    assign(limit.per_second, value);
  });
  // A bucket smaller than one token could never send anything.
  walker.on("burst", [&](const Field& f) {
    auto value = reader.number(f, 1, true);
    ok = ok && value;
    assign(limit.burst, value);
  });
  walker.run();
  for (const char* key : {"per_second", "burst"}) {
    if (!walker.has(key)) {
      reader.error(field.line, field.path + ": missing required key \"" + key + "\"");
      ok = false;
    }
  }
  if (ok) handler.rate_limit = limit;
}

std::optional<std::string> http_url(Reader& reader, const Field& field) {
  auto value = reader.text(field);
  if (value && !is_http_url(*value)) {
    reader.error(field.line, field.path + ": " + quoted(*value) + " is not an http(s) URL");
    return std::nullopt;
  }
  return value;
}

void read_headers(Reader& reader, const Field& field, HandlerConfig& handler) {
  auto entries = reader.text_map(field);
  if (!entries) return;
  for (auto& [key, value] : *entries) {
    std::string name = key.node.Scalar();
    if (!is_header_name(name)) {
      reader.error(key.line, field.path + ": " + quoted(name) + " is not a valid header name");
      continue;
    }
    // Values are not echoed: they often carry credentials (Authorization: Bearer ...).
    if (value.find_first_of("\r\n", 0) != std::string::npos ||
        value.find('\0') != std::string::npos) {
      reader.error(key.line, key.path + ": header values must not contain line breaks");
      continue;
    }
    handler.headers[name] = value;
  }
}

void read_templates(Reader& reader, const Field& field, HandlerConfig& handler) {
  auto entries = reader.text_map(field);
  if (!entries) return;
  for (auto& [key, value] : *entries) {
    if (auto type = canonical_event(reader, key, key.node.Scalar())) {
      // Checked here so `check-config` names the template's line, not a failure at start.
      if (auto parsed = slwd::events::parse_template(value); !parsed.value) {
        reader.error(key.line, key.path + ": " + parsed.error);
        continue;
      }
      handler.templates[*type] = value;
    }
  }
}

void read_properties(Reader& reader, const Field& field, HandlerConfig& handler) {
  auto entries = reader.text_map(field);
  if (!entries) return;
  for (auto& [key, value] : *entries) {
    std::string name = key.node.Scalar();
    if (name != "category" && name != "unsubscribed" && name != "bounced") {
      reader.error(key.line, "unknown key \"" + name + "\" in " + field.path +
                                 " (use category, unsubscribed, bounced)");
      continue;
    }
    if (value.empty()) {
      reader.error(key.line, key.path + ": must not be empty (leave the key out to skip it)");
      continue;
    }
    handler.properties[name] = value;
  }
}

void read_category_map(Reader& reader, const Field& field, HandlerConfig& handler) {
  auto entries = reader.text_map(field);
  if (!entries) return;
  for (auto& [key, value] : *entries) handler.category_map[key.node.Scalar()] = value;
}

// Checks the name's text; uniqueness is checked across handlers in validate().
std::optional<std::string> handler_name(Reader& reader, const Field& field) {
  auto name = reader.non_empty_text(field);
  if (!name) return std::nullopt;
  // Names appear in metric labels, CLI flags and the store: keep them to a safe alphabet.
  bool safe = std::all_of(name->begin(), name->end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
  if (!safe) {
    reader.error(field.line, field.path + ": " + quoted(*name) +
                                 " may only hold letters, digits, '-', '_' and '.'");
    return std::nullopt;
  }
  if (*name == "all") {
    reader.error(field.line,
                 field.path + ": \"all\" is reserved (endpoints use it for every handler)");
    return std::nullopt;
  }
  return name;
}

// The `type:` value, read before the walk because it decides which other keys are allowed.
std::optional<std::string> prescan_type(Reader& reader, const Field& field,
                                        const MapWalker& walker) {
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    if (!it->first.IsScalar() || it->first.Scalar() != "type") continue;
    int key_line = line_of(it->first);
    int line = it->second.IsNull() ? key_line : line_of(it->second);
    return reader.one_of(Field{it->second, walker.path("type"), line ? line : key_line},
                         {"log", "file", "http", "slack", "hubspot", "command"});
  }
  return std::nullopt;
}

void read_handler(Reader& reader, const Field& field, HandlerConfig& handler, HandlerDraft& draft) {
  handler.line = field.line;
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  auto type = prescan_type(reader, field, walker);
  const TypeKeys* keys = type ? find_type(*type) : nullptr;
  draft.type_known = keys != nullptr;
  if (type) handler.type = *type;

  walker.on("type", [](const Field&) {});  // read above
  walker.on("name", [&](const Field& f) {
    draft.name_line = f.line;
    assign(handler.name, handler_name(reader, f));
  });
  walker.on("events", [&](const Field& f) { handler.events = event_list(reader, f); });
  walker.on("filter", [&](const Field& f) { read_filter(reader, f, handler.filter); });
  walker.on("timeout", [&](const Field& f) { handler.timeout = reader.duration(f); });
  walker.on("retry", [&](const Field& f) { read_retry(reader, f, draft.retry); });
  walker.on("rate_limit", [&](const Field& f) { read_rate_limit(reader, f, handler); });

  SecretPair url{"url"};
  SecretPair secret{"secret"};
  SecretPair token{"token"};
  auto uses = [&](const std::string& key) {
    return keys && std::find(keys->keys.begin(), keys->keys.end(), key) != keys->keys.end();
  };
  if (uses("url")) register_secret_pair(reader, walker, url);
  if (uses("secret")) register_secret_pair(reader, walker, secret);
  if (uses("token")) register_secret_pair(reader, walker, token);
  if (uses("path"))
    walker.on("path", [&](const Field& f) { assign(handler.path, reader.non_empty_text(f)); });
  if (uses("fsync")) {
    walker.on("fsync", [&](const Field& f) {
      if (auto value = reader.one_of(f, {"always", "batch", "never"})) {
        handler.fsync = *value == "always"  ? FsyncMode::always
                        : *value == "never" ? FsyncMode::never
                                            : FsyncMode::batch;
      }
    });
  }
  if (uses("headers"))
    walker.on("headers", [&](const Field& f) { read_headers(reader, f, handler); });
  if (uses("app_url"))
    walker.on("app_url", [&](const Field& f) { assign(handler.app_url, http_url(reader, f)); });
  if (uses("template"))
    walker.on("template", [&](const Field& f) { read_templates(reader, f, handler); });
  if (uses("base_url"))
    walker.on("base_url", [&](const Field& f) { assign(handler.base_url, http_url(reader, f)); });
  if (uses("properties"))
    walker.on("properties", [&](const Field& f) { read_properties(reader, f, handler); });
  if (uses("category_map"))
    walker.on("category_map", [&](const Field& f) { read_category_map(reader, f, handler); });
  if (uses("argv")) {
    walker.on("argv", [&](const Field& f) {
      auto argv = reader.text_list(f, false);  // a list, so nobody expects shell word splitting
      if (!argv) return;
      if (argv->empty() || argv->front().empty()) {
        reader.error(f.line, f.path + ": must be a non-empty list starting with the program");
        return;
      }
      handler.argv = std::move(*argv);
    });
  }
  if (!keys) {
    // Unknown or missing type (already reported): accept every type's keys without reading them,
    // so the operator sees the type problem, not a wall of follow-on "unknown key" errors.
    std::set<std::string> ignored;
    for (const auto& entry : type_keys()) {
      for (const auto& key : entry.keys) {
        if (ignored.insert(key).second) walker.on(key, [](const Field&) {});
      }
    }
  }
  walker.unknown_message([&](const std::string& key) -> std::string {
    std::string users;
    for (const auto& entry : type_keys()) {
      if (std::find(entry.keys.begin(), entry.keys.end(), key) == entry.keys.end()) continue;
      users += users.empty() ? "" : ", ";
      users += entry.type;
    }
    if (users.empty()) return "";
    return "unknown key \"" + key + "\" in " + field.path + " (type " + handler.type +
           " does not use it; it belongs to " + users + ")";
  });
  walker.run();

  if (!walker.has("name")) reader.error(field.line, field.path + ": missing required key \"name\"");
  if (!walker.has("type")) {
    reader.error(field.line, field.path +
                                 ": missing required key \"type\" (log, file, http, "
                                 "slack, hubspot or command)");
  }
  if (!keys) return;

  auto require = [&](const std::string& key, bool given) {
    if (!given) {
      reader.error(field.line,
                   field.path + ": missing required key \"" + key + "\" for type " + handler.type);
    }
  };
  if (uses("url")) {
    bool ok = resolve_secret_pair(reader, walker, url);
    require("url", url.given());
    // The URL may itself be the secret (Slack incoming webhooks): never echo it.
    if (ok && url.value) {
      if (is_http_url(*url.value))
        handler.url = *url.value;
      else
        reader.error(url.line(), walker.path("url") + ": not an http(s) URL");
    }
  }
  if (uses("secret") && resolve_secret_pair(reader, walker, secret) && secret.value) {
    handler.secret = *secret.value;
  }
  if (uses("token")) {
    bool ok = resolve_secret_pair(reader, walker, token);
    require("token", token.given());
    if (ok && token.value) {
      if (token.value->empty())
        reader.error(token.line(), walker.path("token") + ": must not be empty");
      else
        handler.token = *token.value;
    }
  }
  if (uses("path")) require("path", walker.has("path"));
  if (uses("argv")) require("argv", walker.has("argv"));
}

}  // namespace

void read_handlers(Reader& reader, const Field& field, Draft& draft) {
  draft.handlers_line = field.line;
  auto items = reader.list(field, false);
  if (!items) return;
  if (items->empty())
    reader.error(field.line, field.path + ": empty list (at least one handler is needed)");
  for (const auto& item : *items) {
    HandlerConfig handler;
    HandlerDraft handler_draft;
    read_handler(reader, item, handler, handler_draft);
    draft.config.handlers.push_back(std::move(handler));
    draft.handlers.push_back(std::move(handler_draft));
  }
}

}  // namespace slwd::config::detail
