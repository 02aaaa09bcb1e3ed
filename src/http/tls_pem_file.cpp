#include "tls_pem_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace slwd::http::detail {
namespace {

// A certificate chain is a few KiB; a file this large is the wrong path (a log, a device).
constexpr std::size_t kMaxPemBytes = 1024 * 1024;

std::string cannot_read(const std::string& path, const std::string& why) {
  return "cannot read \"" + path + "\": " + why;
}

}  // namespace

PemFile read_pem_file(const std::string& path) {
  PemFile file;
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec) {
    file.error = cannot_read(path, ec.message());
    return file;
  }
  if (std::filesystem::is_directory(status)) {
    file.error = cannot_read(path, "is a directory");
    return file;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    file.error = cannot_read(path, std::strerror(errno));
    return file;
  }
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    file.text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (file.text.size() > kMaxPemBytes) {
      file.text.clear();
      file.error = "\"" + path + "\" is larger than 1 MiB; not a PEM certificate or key";
      return file;
    }
  }
  if (in.bad()) {
    file.text.clear();
    file.error = cannot_read(path, std::strerror(errno));
  }
  return file;
}

}  // namespace slwd::http::detail
