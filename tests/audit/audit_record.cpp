#include "audit/audit_record.hpp"

#include <cstdlib>
#include <fstream>

namespace slwd::audit {
namespace {

// "scheme://user:password@host:port/path?query#fragment" split into the parts that are
// credentials. Only what is needed here: no percent-decoding (the raw text is what could leak).
struct UrlSecrets {
  std::string password;
  std::string path_and_query;
};

UrlSecrets url_secrets(const std::string& url) {
  UrlSecrets out;
  const auto scheme_end = url.find("://");
  const std::size_t authority_start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const auto path_start = url.find_first_of("/?#", authority_start);
  const std::string authority =
      url.substr(authority_start, path_start == std::string::npos ? std::string::npos
                                                                  : path_start - authority_start);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const std::string userinfo = authority.substr(0, at);
    if (const auto colon = userinfo.find(':'); colon != std::string::npos) {
      out.password = userinfo.substr(colon + 1);
    }
  }
  if (path_start != std::string::npos) {
    out.path_and_query = url.substr(path_start);
    if (const auto hash = out.path_and_query.find('#'); hash != std::string::npos) {
      out.path_and_query.resize(hash);
    }
  }
  return out;
}

void add(std::vector<Secret>& out, std::string kind, const std::string& value) {
  if (!value.empty()) out.push_back({std::move(kind), value});
}

void add_url(std::vector<Secret>& out, const std::string& kind, const std::string& url) {
  const auto parts = url_secrets(url);
  add(out, kind + " password", parts.password);
  // "/" alone (or nothing) is no credential; anything longer may be (Slack's webhook path is).
  if (parts.path_and_query.size() > 1) add(out, kind + " path", parts.path_and_query);
}

}  // namespace

std::vector<Secret> secrets_of(const config::Config& config) {
  std::vector<Secret> out;
  for (const auto& endpoint : config.endpoints) {
    for (const auto& secret : endpoint.secrets) add(out, "endpoint secret", secret);
  }
  for (const auto& handler : config.handlers) {
    const std::string who = handler.type + " handler " + handler.name;
    add(out, who + " secret", handler.secret);
    add(out, who + " token", handler.token);
    if (!handler.url.empty()) add_url(out, who + " url", handler.url);
  }
  add(out, "admin token", config.admin.token);
  // Whatever the store type: the URL may be set (from a secret file) for a later switch.
  add(out, "redis password", url_secrets(config.store.redis.url).password);
  return out;
}

std::string audit_root() {
  const char* root = std::getenv("SLWD_AUDIT_DIR");
  return root ? root : "";
}

nlohmann::json snapshot_json(const config::Config& config) {
  nlohmann::json secrets = nlohmann::json::array();
  for (const auto& s : secrets_of(config)) secrets.push_back({{"kind", s.kind}, {"value", s.value}});
  return {{"redact_emails", config.logging.redact_emails}, {"secrets", std::move(secrets)}};
}

void append_json_line(const std::string& path, const nlohmann::json& record) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace slwd::audit
