#include "slwd/events/field_reader.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <simdjson.h>

#include "slwd/events/json_member.hpp"

namespace slwd::events {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// obj[key] (its last occurrence) when obj is an object holding a non-null key, else nullopt.
std::optional<element> member(const element* obj, std::string_view key) noexcept {
  if (obj == nullptr) return std::nullopt;
  auto value = last_member(*obj, key);
  if (value && value->is_null()) return std::nullopt;
  return value;
}

std::optional<element> walk(std::optional<element> first, const FieldPath& path) noexcept {
  std::optional<element> v = first;
  for (std::size_t i = 1; v && i < path.keys.size() && !path.keys[i].empty(); ++i) {
    v = member(&*v, path.keys[i]);
  }
  return v;
}

// A non-empty string's text, else nullopt (an empty string counts as absent).
std::optional<std::string_view> non_empty_text(const element& v) noexcept {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS || s.empty()) return std::nullopt;
  return s;
}

// An integral double small enough to be exact (123.0 is the integer 123), else nullopt.
std::optional<std::int64_t> integral(double d) noexcept {
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e15) {
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::optional<std::string> as_id(const element& v) {
  switch (v.type()) {
    case element_type::STRING:
      if (auto s = non_empty_text(v)) return std::string(*s);
      return std::nullopt;
    case element_type::UINT64:
      return std::to_string(v.get_uint64().value_unsafe());
    case element_type::INT64:
      return std::to_string(v.get_int64().value_unsafe());
    case element_type::DOUBLE:
      // 123.0 is the same id as 123; anything fractional is not an id.
      if (auto i = integral(v.get_double().value_unsafe())) return std::to_string(*i);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

std::optional<std::int64_t> as_integer(const element& v) {
  switch (v.type()) {
    case element_type::UINT64: {
      const std::uint64_t u = v.get_uint64().value_unsafe();
      if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<std::int64_t>(u);
      }
      return std::nullopt;
    }
    case element_type::INT64:
      return v.get_int64().value_unsafe();
    case element_type::DOUBLE:
      return integral(v.get_double().value_unsafe());
    case element_type::STRING: {
      const std::string_view s = v.get_string().value_unsafe();
      std::int64_t out = 0;
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

// The value at path, or nullopt when any step is missing, null or not an object.
std::optional<element> find(const element& root, const element* data, const FieldPath& path) noexcept {
  // The envelope rule applies to the first key: a top-level field, even a partial object,
  // wins over data's; data is read only when the top level lacks it (or has null).
  if (auto top = member(&root, path.keys[0])) return walk(top, path);
  return walk(member(data, path.keys[0]), path);
}

}  // namespace

std::optional<std::string> FieldReader::text(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    if (const auto v = find(root_, data_, path)) {
      if (const auto s = non_empty_text(*v)) return std::string(*s);
    }
  }
  return std::nullopt;
}

std::optional<std::string> FieldReader::id(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    if (const auto v = find(root_, data_, path)) {
      if (auto out = as_id(*v)) return out;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> FieldReader::integer(std::initializer_list<FieldPath> paths) const {
  for (const FieldPath& path : paths) {
    if (const auto v = find(root_, data_, path)) {
      if (auto out = as_integer(*v)) return out;
    }
  }
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const FieldPath& path) const {
  bool out = false;
  const auto v = find(root_, data_, path);
  if (v && v->get_bool().get(out) == simdjson::SUCCESS) return out;
  return std::nullopt;
}

std::vector<std::string> FieldReader::strings(std::initializer_list<FieldPath> paths) const {
  std::vector<std::string> out;
  for (const FieldPath& path : paths) {
    const auto v = find(root_, data_, path);
    if (!v) continue;
    simdjson::dom::array items;
    if (const auto s = non_empty_text(*v)) {
      out.emplace_back(*s);
    } else if (v->get_array().get(items) == simdjson::SUCCESS) {
      for (const element item : items) {
        if (const auto s = non_empty_text(item)) out.emplace_back(*s);
      }
    }
    if (!out.empty()) return out;
  }
  return out;
}

}  // namespace slwd::events
