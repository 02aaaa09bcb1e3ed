#pragma once
// Internal to the events part (only src/events/*.cpp include it): reads one logical field of a
// parsed SmartLead payload across its field generations, tolerating missing, null and
// oddly-typed values, so the extractors read as a list of "new name, else old name" rules.
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Declared, not included: simdjson.h is large, and only field_reader.cpp looks inside an element.
namespace simdjson::dom {
class element;
}  // namespace simdjson::dom

namespace slwd::events {

// A member path of one to three keys, e.g. {"reply_message", "text"}.
struct FieldPath {
  // Implicit from one key so a path list reads {"to_email", {"lead", "email"}}.
  FieldPath(const char* k1) : keys{k1, {}, {}} {}       // NOLINT(google-explicit-constructor)
  FieldPath(std::string_view k1) : keys{k1, {}, {}} {}  // NOLINT(google-explicit-constructor)
  FieldPath(std::string_view k1, std::string_view k2) : keys{k1, k2, {}} {}
  FieldPath(std::string_view k1, std::string_view k2, std::string_view k3) : keys{k1, k2, k3} {}
  std::array<std::string_view, 3> keys;  // unused trailing keys are empty
};

class FieldReader {
 public:
  // root: the payload's top-level object. envelope_data: the `data` object of an
  // {id,type,data,meta} envelope, read for fields that are absent or null at the top level;
  // nullptr for flat payloads. Both must outlive the reader. A key sent twice reads as its last
  // occurrence.
  FieldReader(const simdjson::dom::element& root,
              const simdjson::dom::element* envelope_data) noexcept
      : root_(root), data_(envelope_data) {}

  // First non-empty string among paths. Empty strings count as absent: SmartLead fills
  // retired fields with "" as often as it leaves them out, and the next generation may hold it.
  std::optional<std::string> text(std::initializer_list<FieldPath> paths) const;
  // First id among paths: a non-empty string as is, an integral number as decimal text.
  std::optional<std::string> id(std::initializer_list<FieldPath> paths) const;
  // First integer among paths: an integral JSON number or a string of decimal digits.
  std::optional<std::int64_t> integer(std::initializer_list<FieldPath> paths) const;
  std::optional<bool> boolean(const FieldPath& path) const;
  // The strings at the first path holding a non-empty string or an array with any strings
  // (non-string array items are skipped).
  std::vector<std::string> strings(std::initializer_list<FieldPath> paths) const;

 private:
  const simdjson::dom::element& root_;
  const simdjson::dom::element* data_;
};

}  // namespace slwd::events
