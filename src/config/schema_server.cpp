// server:, admin: and logging: sections.
#include "scalars.hpp"
#include "schema.hpp"

namespace slwd::config::detail {
namespace {

std::optional<std::string> listen_address(Reader& reader, const Field& field) {
  auto value = reader.text(field);
  if (!value) return std::nullopt;
  auto problem = check_listen_address(*value);
  if (!problem.empty()) {
    reader.error(field.line,
                 field.path + ": " + quoted(*value) + " is not a listen address (" + problem + ")");
    return std::nullopt;
  }
  return value;
}

void read_tls(Reader& reader, const Field& field, ServerConfig& server) {
  if (!reader.expect_map(field)) return;
  TlsConfig tls;
  MapWalker walker(reader, field);
  // Plain paths, not secrets: the files are opened by the listener, which reports them.
  walker.on("cert_file", [&](const Field& f) { assign(tls.cert_file, reader.non_empty_text(f)); });
  walker.on("key_file", [&](const Field& f) { assign(tls.key_file, reader.non_empty_text(f)); });
  walker.run();
  for (const char* key : {"cert_file", "key_file"}) {
    if (!walker.has(key)) {
      reader.error(field.line, field.path + ": missing required key \"" + key + "\"");
    }
  }
  server.tls = std::move(tls);
}

}  // namespace

void read_server(Reader& reader, const Field& field, Draft& draft) {
  if (!reader.expect_map(field)) return;
  ServerConfig& server = draft.config.server;
  MapWalker walker(reader, field);
  walker.on("listen", [&](const Field& f) {
    draft.server_listen_line = f.line;
    assign(server.listen, listen_address(reader, f));
  });
  walker.on("threads", [&](const Field& f) { assign(server.threads, reader.integer(f, 0, 1024)); });
  walker.on("max_body", [&](const Field& f) { assign(server.max_body, reader.size(f)); });
  walker.on("header_timeout",
            [&](const Field& f) { assign(server.header_timeout, reader.duration(f)); });
  walker.on("body_timeout",
            [&](const Field& f) { assign(server.body_timeout, reader.duration(f)); });
  walker.on("idle_timeout",
            [&](const Field& f) { assign(server.idle_timeout, reader.duration(f)); });
  walker.on("max_connections", [&](const Field& f) {
    assign(server.max_connections, reader.integer(f, 1, 10'000'000));
  });
  walker.on("shutdown_timeout",
            [&](const Field& f) { assign(server.shutdown_timeout, reader.duration(f)); });
  walker.on("trusted_proxies", [&](const Field& f) {
    auto items = reader.list(f, false);
    if (!items) return;
    std::vector<std::string> proxies;
    for (const auto& item : *items) {
      auto value = reader.text(item);
      if (!value) continue;
      auto problem = check_cidr(*value);
      if (!problem.empty()) {
        std::string detail = problem == kNotAnAddress ? "" : " (" + problem + ")";
        reader.error(item.line,
                     item.path + ": " + quoted(*value) + " is not an IP address or CIDR" + detail);
        continue;
      }
      proxies.push_back(std::move(*value));
    }
    server.trusted_proxies = std::move(proxies);
  });
  walker.on("tls", [&](const Field& f) { read_tls(reader, f, server); });
  walker.run();
  if (server.tls) server.tls->line = walker.key_line("tls");
}

void read_admin(Reader& reader, const Field& field, Draft& draft) {
  if (!reader.expect_map(field)) return;
  AdminConfig& admin = draft.config.admin;
  MapWalker walker(reader, field);
  walker.on("listen", [&](const Field& f) {
    draft.admin_listen_line = f.line;
    assign(admin.listen, listen_address(reader, f));
  });
  SecretPair token{"token"};
  register_secret_pair(reader, walker, token);
  walker.run();
  if (resolve_secret_pair(reader, walker, token) && token.value) admin.token = *token.value;
}

void read_logging(Reader& reader, const Field& field, LoggingConfig& logging) {
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  walker.on("level", [&](const Field& f) {
    assign(logging.level,
           reader.one_of(f, {"trace", "debug", "info", "warn", "error", "critical", "off"}));
  });
  walker.on("format", [&](const Field& f) {
    if (auto value = reader.one_of(f, {"json", "text"})) {
      logging.format = *value == "json" ? LogFormat::json : LogFormat::text;
    }
  });
  walker.on("redact_emails",
            [&](const Field& f) { assign(logging.redact_emails, reader.boolean(f)); });
  walker.run();
}

}  // namespace slwd::config::detail
