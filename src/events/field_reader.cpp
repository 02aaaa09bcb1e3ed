#include "slwd/events/field_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace slwd::events {
namespace {

using nlohmann::json;

// obj[key] when obj is an object holding a non-null key, else nullptr.
const json* member(const json* obj, std::string_view key) noexcept {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  const auto it = obj->find(key);
  if (it == obj->end() || it->is_null()) return nullptr;
  return &*it;
}

const json* walk(const json* first, const FieldPath& path) noexcept {
  const json* v = first;
  for (std::size_t i = 1; v != nullptr && i < path.keys.size() && !path.keys[i].empty(); ++i) {
    v = member(v, path.keys[i]);
  }
  return v;
}

std::optional<std::string> as_id(const json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!s.empty()) return s;
    return std::nullopt;
  }
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) {
    // 123.0 is the same id as 123; anything fractional is not an id.
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return std::to_string(static_cast<std::int64_t>(d));
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> as_integer(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(u);
    }
    return std::nullopt;
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
      return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

}  // namespace

const json* FieldReader::find(const FieldPath& path) const noexcept {
  // The envelope rule applies to the first key: a top-level field, even a partial object,
  // wins over data's; data is read only when the top level lacks it (or has null).
  if (const json* top = member(&root_, path.keys[0])) return walk(top, path);
  return walk(member(data_, path.keys[0]), path);
}

std::optional<std::string> FieldReader::text(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    const json* v = find(path);
    if (v != nullptr && v->is_string() && !v->get_ref<const std::string&>().empty()) {
      return v->get_ref<const std::string&>();
    }
  }
  return std::nullopt;
}

std::optional<std::string> FieldReader::id(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    if (const json* v = find(path)) {
      if (auto out = as_id(*v)) return out;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::integer(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    if (const json* v = find(path)) {
      if (auto out = as_integer(*v)) return out;
    }
  }
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const FieldPath& path) const {
  const json* v = find(path);
  if (v != nullptr && v->is_boolean()) return v->get<bool>();
  return std::nullopt;
}

std::vector<std::string> FieldReader::strings(std::initializer_list<FieldPath> paths) const {
  std::vector<std::string> out;
  for (const FieldPath& path : paths) {
    const json* v = find(path);
    if (v == nullptr) continue;
    if (v->is_string()) {
      if (!v->get_ref<const std::string&>().empty()) out.push_back(v->get<std::string>());
    } else if (v->is_array()) {
      for (const json& item : *v) {
        if (item.is_string() && !item.get_ref<const std::string&>().empty()) {
          out.push_back(item.get<std::string>());
        }
      }
    }
    if (!out.empty()) return out;
  }
  return out;
}

}  // namespace slwd::events
