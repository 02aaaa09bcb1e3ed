// log_audit_scan ROOT     scans what the integration tests recorded (exit 1 on any finding)
// log_audit_scan --clear ROOT   empties it before a run (the ctest fixture's setup)
#include <filesystem>
#include <iostream>
#include <string>

#include "audit/scanner.hpp"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc == 3 && std::string(argv[1]) == "--clear") {
    std::error_code ec;
    fs::remove_all(argv[2], ec);
    fs::create_directories(argv[2], ec);
    if (ec) {
      std::cerr << "cannot create " << argv[2] << ": " << ec.message() << "\n";
      return 1;
    }
    return 0;
  }
  if (argc != 2) {
    std::cerr << "usage: log_audit_scan [--clear] AUDIT_DIR\n";
    return 2;
  }
  if (!fs::is_directory(argv[1])) {
    std::cerr << "no audit directory " << argv[1]
              << ": the integration tests did not record (is SLWD_AUDIT_DIR set for them?)\n";
    return 1;
  }
  const auto report = slwd::audit::scan_audit_root(argv[1]);
  for (const auto& f : report.findings) std::cout << f.where << ": " << f.what << "\n";
  std::cout << "log audit: " << report.daemons << " daemons, " << report.lines
            << " lines and answers, " << report.secrets << " secrets searched ("
            << report.short_secrets << " shorter than " << slwd::audit::kMinSecretLength
            << " chars skipped), " << report.redacting << " daemons with redact_emails: "
            << report.findings.size() << " findings\n";
  return report.findings.empty() ? 0 : 1;
}
