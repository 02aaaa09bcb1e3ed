// check-config, sign, and the config/file helpers the other subcommands share.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "commands.hpp"
#include "slwd/config/loader.hpp"
#include "slwd/http/tls.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::cli {

std::optional<config::Config> load_or_report(const std::string& path) {
  auto result = config::load_config_file(path);
  for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
  return std::move(result.config);
}

std::string read_input(const std::string& path) {
  if (path.empty() || path == "-") {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int check_config(const std::string& path) {
  auto config = load_or_report(path);
  if (!config) return 1;
  // server.tls's files are opened by the listener: judged here by the same code (http::load_tls).
  if (auto tls = http::load_tls(*config); tls.error) {
    std::cerr << tls.error->to_string() << "\n";
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}

int sign(const std::string& secret, const std::string& file) {
  std::cout << security::signature_header(secret, read_input(file)) << "\n";
  return 0;
}

}  // namespace slwd::cli
