#pragma once
// Reading `<key>_file` secrets (SPEC §3). Errors name the path, never the content.
#include <string>
#include <vector>

namespace slwd::config::detail {

struct SecretFileResult {
  std::string content;
  std::string error;  // non-empty = failed
};

// The whole file with ONE trailing "\n" or "\r\n" removed (what `echo secret > file` adds).
SecretFileResult read_secret_file(const std::string& path);

// One secret per line for `secrets_file`: "\r" endings tolerated, blank (or whitespace-only)
// lines skipped; other lines are kept byte for byte.
std::vector<std::string> split_secret_lines(const std::string& content);

}  // namespace slwd::config::detail
