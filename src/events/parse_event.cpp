// Strict parse of a delivery body into a typed Event (SPEC §4 row 7, §5).
#include <array>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "slwd/events/event.hpp"
#include "slwd/events/extract.hpp"
#include "slwd/events/field_reader.hpp"
#include "slwd/events/json_body.hpp"
#include "slwd/events/json_member.hpp"

namespace slwd::events {
namespace {

using simdjson::dom::element;

ParseResult failure(std::string reason) {
  ParseResult r;
  r.error = std::move(reason);
  return r;
}

struct TypeName {
  std::string_view name;
  bool from_type_key = false;  // found under `type`: the {id,type,data,meta} envelope
};

// The first non-empty string among event_type (flat), event (older nested format) and
// type (newer envelope). An empty string names nothing, so it doesn't stop the search.
std::optional<TypeName> find_type_name(const element& root) {
  static constexpr std::array<std::string_view, 3> kKeys = {"event_type", "event", "type"};
  for (std::string_view key : kKeys) {
    const auto name = last_member_string(root, key);
    if (name && !name->empty()) return TypeName{*name, key == "type"};
  }
  return std::nullopt;
}

Event build_event(const element& root, const TypeName& type, Extraction extraction) {
  std::optional<element> envelope_data;
  if (type.from_type_key) {
    envelope_data = last_member(root, "data");
    if (envelope_data && !envelope_data->is_object()) envelope_data.reset();
  }
  const FieldReader in(root, envelope_data ? &*envelope_data : nullptr);

  Event event;
  const auto canonical = canonical_event_type(type.name);
  event.common.event_type = canonical ? std::string(*canonical) : std::string(type.name);
  extract_common(in, event.common);
  // Strictly the body's own top-level secret_key (SPEC §4 row 6), never the envelope's data.
  if (const auto secret = last_member_string(root, "secret_key")) {
    event.common.secret_key = std::string(*secret);
  }
  if (canonical && extraction == Extraction::full) event.detail = extract_detail(*canonical, in);
  return event;
}

}  // namespace

ParseResult parse_event(std::string_view body, Extraction extraction) {
  try {
    const JsonBody json = parse_json_body(body);
    if (!json.error.empty()) return failure(json.error);
    if (!json.root.is_object()) return failure("not a JSON object");
    const auto type = find_type_name(json.root);
    if (!type) return failure("no event type");

    ParseResult result;
    result.event = build_event(json.root, *type, extraction);
    return result;
  } catch (const std::bad_alloc&) {
    return failure("too large to parse");
  } catch (...) {
    return failure("unparseable");
  }
}

}  // namespace slwd::events
