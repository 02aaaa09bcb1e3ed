#pragma once
// The scanning half of the log audit: walks an audit root written by the integration harness
// (audit_record.hpp) and reports every place where a daemon's secret, or — when its config had
// `logging.redact_emails: true` — any email address, appears in its log, its stdout, a /metrics
// scrape or an error body (an answer with status >= 400).
#include <cstddef>
#include <string>
#include <vector>

namespace slwd::audit {

// Secrets shorter than this are not searched for: "x" matches everywhere and proves nothing.
inline constexpr std::size_t kMinSecretLength = 6;

struct Finding {
  std::string where;  // "DIR/daemon.log:12" or "DIR/responses.jsonl:3 (body of 400)"
  std::string what;   // "endpoint secret se…(11 chars)", "email address j…@example.com"
};

struct ScanReport {
  std::size_t daemons = 0;        // daemon directories scanned
  std::size_t lines = 0;          // log lines and recorded answers looked at
  std::size_t secrets = 0;        // distinct secrets searched for
  std::size_t short_secrets = 0;  // left out (kMinSecretLength)
  std::size_t redacting = 0;      // daemons whose config had redact_emails: true
  std::vector<Finding> findings;  // leaks, and daemon directories the harness left incomplete
};

ScanReport scan_audit_root(const std::string& root);

// The email addresses in `text` (a local part, '@', a dotted domain ending in letters); a
// redacted "***@example.com" is not one.
std::vector<std::string> email_addresses(const std::string& text);

// How a finding names a secret without repeating it: its first two characters and its length.
std::string masked(const std::string& secret);

}  // namespace slwd::audit
