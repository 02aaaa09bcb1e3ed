#pragma once
// Reading the PEM files server.tls names. Errors name the path and the reason, never content.
#include <string>

namespace slwd::http::detail {

struct PemFile {
  std::string text;
  std::string error;  // non-empty = failed: "cannot read \"/x.pem\": No such file or directory"
};

PemFile read_pem_file(const std::string& path);

}  // namespace slwd::http::detail
