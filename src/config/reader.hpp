#pragma once
// The YAML side of the loader: typed reads of one field at a time that record a FILE:LINE error
// and return nullopt instead of throwing, so one bad value never hides the next one.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slwd/config/loader.hpp"

namespace slwd::config::detail {

// 1-based line of a node; 0 when yaml-cpp has no position for it.
int line_of(const YAML::Node& node);
// "a mapping", "a list", "a value", "nothing": for "expected X, got Y" messages.
std::string describe(const YAML::Node& node);

// One value in the document: the node, its dotted path for messages ("server.listen",
// "handlers[2].url") and the line to report it at.
struct Field {
  YAML::Node node;
  std::string path;
  int line = 0;
};

class Reader {
 public:
  Reader(std::string file, EnvLookup env, std::vector<ConfigError>& errors)
      : file_(std::move(file)), env_(std::move(env)), errors_(errors) {}

  void error(int line, std::string message);
  const std::string& file() const { return file_; }

  // The scalar's text after ${VAR} substitution. Null, lists and mappings are errors.
  std::optional<std::string> text(const Field& field);
  std::optional<std::string> non_empty_text(const Field& field);
  std::optional<Duration> duration(const Field& field);  // > 0
  std::optional<std::size_t> size(const Field& field);   // > 0
  std::optional<std::uint64_t> integer(const Field& field, std::uint64_t min, std::uint64_t max);
  std::optional<double> number(const Field& field, double min, bool min_inclusive);
  std::optional<bool> boolean(const Field& field);
  // The value, which must be one of `allowed` (listed in the message when it is not).
  std::optional<std::string> one_of(const Field& field, std::initializer_list<const char*> allowed);
  // A list of scalars; with allow_scalar a single scalar counts as a one-element list.
  // Each element is substituted; an element in error is skipped (and reported).
  std::optional<std::vector<Field>> list(const Field& field, bool allow_scalar);
  std::optional<std::vector<std::string>> text_list(const Field& field, bool allow_scalar);
  // A mapping of scalar keys to scalar values (values substituted), in file order.
  std::optional<std::vector<std::pair<Field, std::string>>> text_map(const Field& field);
  bool expect_map(const Field& field);

 private:
  std::string file_;
  EnvLookup env_;
  std::vector<ConfigError>& errors_;
};

// Walks one mapping's entries in file order, handing each known key to its callback and
// reporting unknown and repeated keys. Keys are taken literally (no ${VAR} in keys).
class MapWalker {
 public:
  using Callback = std::function<void(const Field& value)>;

  // `where` names the mapping in messages: "server", "handlers[1]"; "" for the top level.
  MapWalker(Reader& reader, const Field& map);

  MapWalker& on(const std::string& key, Callback callback);
  // Overrides the message for a key no on() names (e.g. a key of another handler type).
  MapWalker& unknown_message(std::function<std::string(const std::string& key)> make);
  void run();

  bool has(const std::string& key) const { return lines_.count(key) != 0; }
  int key_line(const std::string& key) const;  // 0 when absent
  int line() const { return line_; }
  std::string path(const std::string& key) const;

 private:
  Reader& reader_;
  YAML::Node map_;
  std::string where_;
  int line_;
  std::vector<std::pair<std::string, Callback>> callbacks_;
  std::function<std::string(const std::string&)> unknown_message_;
  std::map<std::string, int> lines_;
};

}  // namespace slwd::config::detail
