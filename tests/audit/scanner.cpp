#include "audit/scanner.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace slwd::audit {
namespace {

namespace fs = std::filesystem;

bool is_local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}

bool is_domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path, std::ios::binary);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct DaemonRecord {
  std::map<std::string, std::string> secrets;  // value -> kind
  bool redact_emails = false;
  std::size_t snapshots = 0;
};

// Every snapshot's secrets count (a SIGHUP may have added some); emails are only checked when
// every snapshot redacted them, since the lines cannot tell which config they were written under.
DaemonRecord read_record(const fs::path& dir, std::vector<Finding>& findings) {
  DaemonRecord record;
  bool all_redact = true;
  std::size_t n = 0;
  for (const auto& line : lines_of(dir / "secrets.jsonl")) {
    ++n;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      findings.push_back({(dir / "secrets.jsonl").string() + ":" + std::to_string(n), "unreadable record"});
      continue;
    }
    if (j.contains("error")) continue;  // a config the daemon would refuse too (reload tests)
    ++record.snapshots;
    all_redact = all_redact && j.value("redact_emails", false);
    for (const auto& s : j.value("secrets", nlohmann::json::array())) {
      record.secrets.emplace(s.value("value", ""), s.value("kind", "secret"));
    }
  }
  record.redact_emails = record.snapshots > 0 && all_redact;
  return record;
}

class DaemonScan {
 public:
  DaemonScan(const fs::path& dir, const DaemonRecord& record, ScanReport& report)
      : dir_(dir), record_(record), report_(report) {}

  void text(const std::string& where, const std::string& text, bool check_emails) {
    ++report_.lines;
    for (const auto& [secret, kind] : record_.secrets) {
      if (secret.size() < kMinSecretLength) continue;
      if (text.find(secret) != std::string::npos) {
        report_.findings.push_back({where, kind + " " + masked(secret)});
      }
    }
    if (!check_emails || !record_.redact_emails) return;
    for (const auto& email : email_addresses(text)) {
      const auto at = email.find('@');
      report_.findings.push_back({where, "email address " + email.substr(0, 1) + "…" + email.substr(at)});
    }
  }

  void log_file(const std::string& name) {
    std::size_t n = 0;
    for (const auto& line : lines_of(dir_ / name)) text((dir_ / name).string() + ":" + std::to_string(++n), line, true);
  }

  void responses() {
    const fs::path path = dir_ / "responses.jsonl";
    std::size_t n = 0;
    for (const auto& line : lines_of(path)) {
      const std::string where = path.string() + ":" + std::to_string(++n);
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded()) {
        report_.findings.push_back({where, "unreadable record"});
        continue;
      }
      const unsigned status = j.value("status", 0u);
      const bool metrics = j.value("target", "") == "/metrics";
      // Emails are legitimate in a 2xx answer of the admin port (/dlq lists the events), not in
      // an error body or a metric.
      const bool emails = status >= 400 || metrics;
      const std::string label = metrics ? " (/metrics)" : " (body of " + std::to_string(status) + ")";
      text(where + label, j.value("body", ""), emails);
      const auto headers = j.value("headers", nlohmann::json::object());
      for (const auto& [name, value] : headers.items()) {
        if (value.is_string()) text(where + " (header " + name + ")", value.get<std::string>(), emails);
      }
    }
  }

 private:
  fs::path dir_;
  const DaemonRecord& record_;
  ScanReport& report_;
};

}  // namespace

std::string masked(const std::string& secret) {
  return secret.substr(0, 2) + "…(" + std::to_string(secret.size()) + " chars)";
}

std::vector<std::string> email_addresses(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    std::size_t start = at;
    while (start > 0 && is_local_char(text[start - 1])) --start;
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(text[end])) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;  // "a@b.com."
    if (start == at || end == at + 1) continue;
    const std::string domain = text.substr(at + 1, end - at - 1);
    const auto dot = domain.rfind('.');
    if (dot == std::string::npos || dot + 3 > domain.size()) continue;
    const std::string tld = domain.substr(dot + 1);
    if (!std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) continue;
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

ScanReport scan_audit_root(const std::string& root) {
  ScanReport report;
  std::vector<fs::path> dirs;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory()) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  std::map<std::string, bool> distinct;
  for (const auto& dir : dirs) {
    ++report.daemons;
    DaemonRecord record = read_record(dir, report.findings);
    if (record.snapshots == 0) {
      // The harness records the config at every start: a daemon without one means recording
      // broke, and a scan without secrets would pass whatever the logs hold.
      report.findings.push_back({dir.string(), "no config snapshot recorded (harness broken?)"});
    }
    if (record.redact_emails) ++report.redacting;
    for (const auto& [secret, _] : record.secrets) distinct[secret] = secret.size() < kMinSecretLength;
    DaemonScan scan(dir, record, report);
    scan.log_file("daemon.log");
    scan.log_file("daemon.out");
    scan.responses();
  }
  for (const auto& [_, is_short] : distinct) ++(is_short ? report.short_secrets : report.secrets);
  return report;
}

}  // namespace slwd::audit
