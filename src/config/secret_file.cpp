#include "secret_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace slwd::config::detail {
namespace {

// A secret file is a few bytes; a huge one is almost certainly the wrong path (a log, a device).
constexpr std::streamoff kMaxSecretFileBytes = 1024 * 1024;

}  // namespace

SecretFileResult read_secret_file(const std::string& path) {
  SecretFileResult result;
  if (path.empty()) {
    result.error = "empty path";
    return result;
  }
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec) {
    result.error = "cannot read \"" + path + "\": " + ec.message();
    return result;
  }
  if (std::filesystem::is_directory(status)) {
    result.error = "cannot read \"" + path + "\": is a directory";
    return result;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.error = "cannot read \"" + path + "\": " + std::strerror(errno);
    return result;
  }
  // Read without seeking, so a FIFO or /dev/fd/N (process substitution) works too.
  std::string content;
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (static_cast<std::streamoff>(content.size()) > kMaxSecretFileBytes) {
      result.error = "\"" + path + "\" is larger than 1 MiB; not a secret file";
      return result;
    }
  }
  if (in.bad()) {
    result.error = "cannot read \"" + path + "\": " + std::strerror(errno);
    return result;
  }
  if (content.size() >= 2 && content.compare(content.size() - 2, 2, "\r\n") == 0) {
    content.resize(content.size() - 2);
  } else if (!content.empty() && content.back() == '\n') {
    content.pop_back();
  }
  result.content = std::move(content);
  return result;
}

std::vector<std::string> split_secret_lines(const std::string& content) {
  std::vector<std::string> lines;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Whitespace-only counts as blank: such a "secret" is always an editing accident.
    if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

}  // namespace slwd::config::detail
