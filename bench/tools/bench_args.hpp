#pragma once
// `--name value` arguments for the tools' subcommands; every value is required and every name
// must be known, so a typo in a script fails loudly instead of running with a default.
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace slwd::bench {

class Args {
 public:
  // Parses argv-style words; names may repeat (values() returns all). Throws
  // std::invalid_argument on a word that is not `--name value` or a name not in `known`.
  Args(const std::vector<std::string>& words, const std::set<std::string>& known);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string text(const std::string& name) const;                  // required
  std::string text(const std::string& name, const std::string& fallback) const;
  double number(const std::string& name, double fallback) const;
  std::vector<std::string> values(const std::string& name) const;   // every occurrence

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// "a,b,c" -> {"a","b","c"} (empty items dropped).
std::vector<std::string> split(const std::string& text, char separator);

}  // namespace slwd::bench
