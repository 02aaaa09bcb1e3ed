#include "reader.hpp"

#include <algorithm>
#include <limits>

#include "env_subst.hpp"
#include "scalars.hpp"

namespace slwd::config::detail {

int line_of(const YAML::Node& node) {
  auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a value";
    default:
      return "nothing";
  }
}

void Reader::error(int line, std::string message) {
  errors_.push_back(ConfigError{file_, line, std::move(message)});
}

std::optional<std::string> Reader::text(const Field& field) {
  if (field.node.IsNull() || !field.node.IsDefined()) {
    error(field.line, field.path + ": missing value");
    return std::nullopt;
  }
  if (!field.node.IsScalar()) {
    error(field.line, field.path + ": expected a value, got " + describe(field.node));
    return std::nullopt;
  }
  auto result = substitute_env(field.node.Scalar(), env_);
  if (!result.error.empty()) {
    error(field.line, field.path + ": " + result.error);
    return std::nullopt;
  }
  return std::move(result.value);
}

std::optional<std::string> Reader::non_empty_text(const Field& field) {
  auto value = text(field);
  if (value && value->empty()) {
    error(field.line, field.path + ": must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<Duration> Reader::duration(const Field& field) {
  auto value = text(field);
  if (!value) return std::nullopt;
  auto parsed = parse_duration_allow_zero(*value);
  if (!parsed) {
    error(field.line,
          field.path + ": " + quoted(*value) + " is not a duration (use 500ms, 10s, 5m, 2h, 7d)");
    return std::nullopt;
  }
  if (parsed->count() == 0) {
    error(field.line, field.path + ": must be greater than 0");
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::size_t> Reader::size(const Field& field) {
  auto value = text(field);
  if (!value) return std::nullopt;
  auto parsed = parse_size_allow_zero(*value);
  if (!parsed) {
    error(field.line, field.path + ": " + quoted(*value) + " is not a size (use 512, 64KiB, 4MiB)");
    return std::nullopt;
  }
  if (*parsed == 0) {
    error(field.line, field.path + ": must be greater than 0");
    return std::nullopt;
  }
  return parsed;
}

std::optional<std::uint64_t> Reader::integer(const Field& field, std::uint64_t min,
                                             std::uint64_t max) {
  auto value = text(field);
  if (!value) return std::nullopt;
  auto parsed = parse_uint(*value);
  if (!parsed) {
    error(field.line, field.path + ": " + quoted(*value) + " is not a whole number");
    return std::nullopt;
  }
  if (*parsed < min || *parsed > max) {
    std::string range = max == std::numeric_limits<std::uint64_t>::max()
                            ? "at least " + std::to_string(min)
                            : std::to_string(min) + ".." + std::to_string(max);
    error(field.line, field.path + ": must be " +
                          (min == 1 && max == std::numeric_limits<std::uint64_t>::max()
                               ? std::string("greater than 0")
                               : range));
    return std::nullopt;
  }
  return parsed;
}

std::optional<double> Reader::number(const Field& field, double min, bool min_inclusive) {
  auto value = text(field);
  if (!value) return std::nullopt;
  auto parsed = parse_number(*value);
  if (!parsed) {
    error(field.line, field.path + ": " + quoted(*value) + " is not a number");
    return std::nullopt;
  }
  if (min_inclusive ? *parsed < min : *parsed <= min) {
    std::string bound = std::to_string(min);
    bound.erase(bound.find_last_not_of('0') + 1);  // "1.000000" -> "1." -> "1"
    if (!bound.empty() && bound.back() == '.') bound.pop_back();
    error(field.line,
          field.path + ": must be " + (min_inclusive ? "at least " : "greater than ") + bound);
    return std::nullopt;
  }
  return parsed;
}

std::optional<bool> Reader::boolean(const Field& field) {
  auto value = text(field);
  if (!value) return std::nullopt;
  auto parsed = parse_bool(*value);
  if (!parsed) {
    error(field.line, field.path + ": " + quoted(*value) + " is not true or false");
  }
  return parsed;
}

std::optional<std::string> Reader::one_of(const Field& field,
                                          std::initializer_list<const char*> allowed) {
  auto value = text(field);
  if (!value) return std::nullopt;
  std::string choices;
  for (const char* choice : allowed) {
    if (*value == choice) return value;
    choices += choices.empty() ? "" : ", ";
    choices += choice;
  }
  error(field.line, field.path + ": " + quoted(*value) + " is not one of " + choices);
  return std::nullopt;
}

std::optional<std::vector<Field>> Reader::list(const Field& field, bool allow_scalar) {
  if (allow_scalar && field.node.IsScalar()) return std::vector<Field>{field};
  if (!field.node.IsSequence()) {
    error(field.line, field.path + ": expected a list, got " + describe(field.node));
    return std::nullopt;
  }
  std::vector<Field> items;
  for (std::size_t i = 0; i < field.node.size(); ++i) {
    YAML::Node item = field.node[i];
    // yaml-cpp places an empty item at the next line; the list's own line is closer.
    int line = item.IsNull() ? field.line : line_of(item);
    items.push_back(
        Field{item, field.path + "[" + std::to_string(i) + "]", line ? line : field.line});
  }
  return items;
}

std::optional<std::vector<std::string>> Reader::text_list(const Field& field, bool allow_scalar) {
  auto items = list(field, allow_scalar);
  if (!items) return std::nullopt;
  std::vector<std::string> values;
  bool ok = true;
  for (const auto& item : *items) {
    if (auto value = text(item))
      values.push_back(std::move(*value));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return values;
}

std::optional<std::vector<std::pair<Field, std::string>>> Reader::text_map(const Field& field) {
  if (!expect_map(field)) return std::nullopt;
  std::vector<std::pair<Field, std::string>> entries;
  bool ok = true;
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    int key_line = line_of(it->first);
    if (!it->first.IsScalar()) {
      error(key_line ? key_line : field.line, field.path + ": keys must be plain text");
      ok = false;
      continue;
    }
    Field key{it->first, field.path + "." + it->first.Scalar(), key_line ? key_line : field.line};
    bool repeated = std::any_of(entries.begin(), entries.end(), [&](const auto& entry) {
      return entry.first.node.Scalar() == it->first.Scalar();
    });
    if (repeated) {
      error(key.line, "duplicate key \"" + it->first.Scalar() + "\" in " + field.path);
      ok = false;
      continue;
    }
    int value_line = it->second.IsNull() ? key.line : line_of(it->second);
    Field value{it->second, key.path, value_line ? value_line : key.line};
    if (auto text_value = text(value))
      entries.emplace_back(key, std::move(*text_value));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return entries;
}

bool Reader::expect_map(const Field& field) {
  if (field.node.IsMap()) return true;
  error(field.line, field.path + ": expected a mapping, got " + describe(field.node));
  return false;
}

MapWalker::MapWalker(Reader& reader, const Field& map)
    : reader_(reader), map_(map.node), where_(map.path), line_(map.line) {}

MapWalker& MapWalker::on(const std::string& key, Callback callback) {
  callbacks_.emplace_back(key, std::move(callback));
  return *this;
}

MapWalker& MapWalker::unknown_message(std::function<std::string(const std::string&)> make) {
  unknown_message_ = std::move(make);
  return *this;
}

std::string MapWalker::path(const std::string& key) const {
  return where_.empty() ? key : where_ + "." + key;
}

int MapWalker::key_line(const std::string& key) const {
  auto it = lines_.find(key);
  return it == lines_.end() ? 0 : it->second;
}

void MapWalker::run() {
  std::string in = where_.empty() ? "at the top level" : "in " + where_;
  for (auto it = map_.begin(); it != map_.end(); ++it) {
    int key_line = line_of(it->first);
    if (key_line == 0) key_line = line_;
    if (!it->first.IsScalar()) {
      reader_.error(key_line, "keys must be plain text " + in);
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (lines_.count(key)) {
      reader_.error(key_line, "duplicate key \"" + key + "\" " + in);
      continue;
    }
    auto callback = std::find_if(callbacks_.begin(), callbacks_.end(),
                                 [&](const auto& entry) { return entry.first == key; });
    if (callback == callbacks_.end()) {
      std::string message = unknown_message_ ? unknown_message_(key) : "";
      reader_.error(key_line, message.empty() ? "unknown key \"" + key + "\" " + in : message);
      continue;
    }
    lines_[key] = key_line;
    // An empty value ("key:") has no position of its own in yaml-cpp: use the key's line.
    int value_line = it->second.IsNull() ? key_line : line_of(it->second);
    callback->second(Field{it->second, path(key), value_line ? value_line : key_line});
  }
}

}  // namespace slwd::config::detail
