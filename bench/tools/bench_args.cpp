#include "bench_args.hpp"

#include <sstream>

namespace slwd::bench {

Args::Args(const std::vector<std::string>& words, const std::set<std::string>& known) {
  for (std::size_t i = 0; i < words.size(); i += 2) {
    const auto& word = words[i];
    if (word.rfind("--", 0) != 0 || i + 1 >= words.size()) {
      throw std::invalid_argument("expected --name value, got \"" + word + "\"");
    }
    const auto name = word.substr(2);
    if (!known.count(name)) throw std::invalid_argument("unknown option --" + name);
    values_[name].push_back(words[i + 1]);
  }
}

std::string Args::text(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::invalid_argument("--" + name + " is required");
  return it->second.back();
}

std::string Args::text(const std::string& name, const std::string& fallback) const {
  return has(name) ? text(name) : fallback;
}

double Args::number(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  const auto value = text(name);
  std::size_t used = 0;
  const double parsed = std::stod(value, &used);
  if (used != value.size()) throw std::invalid_argument("--" + name + ": not a number: " + value);
  return parsed;
}

std::vector<std::string> Args::values(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, separator)) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace slwd::bench
