#pragma once
// ${VAR} / ${VAR:-default} replacement in one scalar (SPEC §3), done before the value is typed.
#include <string>
#include <string_view>

#include "slwd/config/loader.hpp"

namespace slwd::config::detail {

struct SubstResult {
  std::string value;
  std::string error;  // non-empty = failed; names the variable, never its value
};

// `$${` stands for a literal `${`, so a secret containing "${" can still be written inline.
// A `$` not followed by `{` is kept as is. `:-` uses the default when the variable is unset or
// empty (shell semantics); the default is taken literally (no nesting).
SubstResult substitute_env(std::string_view text, const EnvLookup& env);

}  // namespace slwd::config::detail
