#include "env_subst.hpp"

#include <cctype>

namespace slwd::config::detail {
namespace {

bool is_var_name(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

SubstResult substitute_env(std::string_view text, const EnvLookup& env) {
  SubstResult result;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      result.value += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      result.value += text[i++];
      continue;
    }
    auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      result.error = "unterminated \"${\" (write $${ for a literal ${)";
      return result;
    }
    std::string_view inner = text.substr(i + 2, close - i - 2);
    auto sep = inner.find(":-");
    std::string_view name = inner.substr(0, sep);
    if (!is_var_name(name)) {
      result.error = "bad variable reference \"${" + std::string(inner) +
                     "}\" (use ${NAME} or ${NAME:-default})";
      return result;
    }
    auto value = env ? env(std::string(name)) : std::nullopt;
    if (sep != std::string_view::npos) {
      if (!value || value->empty()) value = std::string(inner.substr(sep + 2));
    } else if (!value) {
      result.error = "environment variable " + std::string(name) + " is not set (use ${" +
                     std::string(name) + ":-default} for a fallback)";
      return result;
    }
    result.value += *value;
    i = close + 1;
  }
  return result;
}

}  // namespace slwd::config::detail
