#pragma once
// The recording half of the log audit (issue #8 item 6; docs/decisions.md "Log audit"): what the
// integration harness keeps about every daemon it starts, so that one scan after the whole
// integration run (scanner.hpp) can check that no secret of a daemon's config, and with
// `redact_emails: true` no email address, reached its log, its metrics or its error bodies.
//
// Layout under the audit root ($SLWD_AUDIT_DIR; recording is off when unset):
//   <root>/<test name>-<pid>-<n>/config.yaml     the config as the harness wrote it
//           secrets.jsonl   one line per config snapshot (at start, SIGHUP and exit):
//                           {"redact_emails":bool,"secrets":[{"kind","value"}]} or {"error"}
//           daemon.log      the daemon's stderr (its log), daemon.out its stdout
//           responses.jsonl one line per HTTP answer the harness read from its ports:
//                           {"port","admin","target","status","headers","body"}
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "slwd/config/config.hpp"

namespace slwd::audit {

struct Secret {
  std::string kind;   // "endpoint secret", "hubspot token", "slack webhook path", ...
  std::string value;  // the text that must not appear
};

// The secret-bearing values of SPEC §3 in a loaded config: endpoint secrets, handler
// secret / token / url (for a url: its path and query — the part of a Slack webhook URL that
// is the credential — and the password of its userinfo), admin.token, and the password of
// store.redis.url. Empty values are left out.
std::vector<Secret> secrets_of(const config::Config& config);

// "" when recording is off ($SLWD_AUDIT_DIR unset or empty).
std::string audit_root();

// A line of secrets.jsonl.
nlohmann::json snapshot_json(const config::Config& config);

// Appends `record` as one JSON line to `path` (invalid UTF-8 replaced, never throws).
void append_json_line(const std::string& path, const nlohmann::json& record);

}  // namespace slwd::audit
