// Strict parse of a delivery body into a typed Event (SPEC §4 row 7, §5).
#include <array>
#include <cstring>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "slwd/events/event.hpp"
#include "slwd/events/extract.hpp"
#include "slwd/events/field_reader.hpp"
#include "slwd/events/json_depth.hpp"

namespace slwd::events {
namespace {

using nlohmann::json;

ParseResult failure(std::string reason) {
  ParseResult r;
  r.error = std::move(reason);
  return r;
}

std::string parse_error_reason(const json::parse_error& e) {
  // nlohmann's byte is 1-based: the position of the byte that made the text invalid.
  const std::string at = " at byte " + std::to_string(e.byte);
  const std::string_view what = e.what();
  if (what.find("UTF-8") != std::string_view::npos) return "invalid UTF-8" + at;
  if (what.find("surrogate") != std::string_view::npos) return "invalid unicode escape" + at;
  return "not valid JSON" + at;
}

struct TypeName {
  const std::string* name = nullptr;
  bool from_type_key = false;  // found under `type`: the {id,type,data,meta} envelope
};

// The first non-empty string among event_type (flat), event (older nested format) and
// type (newer envelope). An empty string names nothing, so it doesn't stop the search.
TypeName find_type_name(const json& root) {
  static constexpr std::array<std::string_view, 3> kKeys = {"event_type", "event", "type"};
  for (std::string_view key : kKeys) {
    const auto it = root.find(key);
    if (it != root.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return {&it->get_ref<const std::string&>(), key == "type"};
    }
  }
  return {};
}

Event build_event(const json& root, const TypeName& type) {
  const json* envelope_data = nullptr;
  if (type.from_type_key) {
    const auto it = root.find("data");
    if (it != root.end() && it->is_object()) envelope_data = &*it;
  }
  const FieldReader in(root, envelope_data);

  Event event;
  const auto canonical = canonical_event_type(*type.name);
  event.common.event_type = canonical ? std::string(*canonical) : *type.name;
  extract_common(in, event.common);
  // Strictly the body's own top-level secret_key (SPEC §4 row 6), never the envelope's data.
  if (const auto it = root.find("secret_key"); it != root.end() && it->is_string()) {
    event.common.secret_key = it->get<std::string>();
  }
  if (canonical) event.detail = extract_detail(*canonical, in);
  return event;
}

}  // namespace

ParseResult parse_event(std::string_view body) {
  try {
    if (body.empty()) return failure("empty body");
    // Before the parser, so a deeply nested body costs one linear scan and no allocation.
    if (!json_depth_within(body, kMaxJsonDepth)) return failure("nesting deeper than 64");

    // nlohmann's lexer takes a raw NUL outside strings as end of input, so "{..}\0junk" would
    // pass; a raw NUL is never valid JSON anywhere, so refuse it first.
    if (const void* nul = std::memchr(body.data(), '\0', body.size())) {
      const auto at = static_cast<const char*>(nul) - body.data() + 1;
      return failure("not valid JSON at byte " + std::to_string(at));
    }
    // Strict: no comments, no trailing data; last duplicate key wins (nlohmann's object[key]).
    const json root = json::parse(body.begin(), body.end(), /*cb=*/nullptr,
                                  /*allow_exceptions=*/true, /*ignore_comments=*/false);
    if (!root.is_object()) return failure("not a JSON object");
    const TypeName type = find_type_name(root);
    if (type.name == nullptr) return failure("no event type");

    ParseResult result;
    result.event = build_event(root, type);
    return result;
  } catch (const json::parse_error& e) {
    return failure(parse_error_reason(e));
  } catch (const json::out_of_range&) {
    // A number beyond double range (1e400): valid grammar, but not representable; an authentic
    // SmartLead body never has one, and the quarantine keeps the bytes.
    return failure("number out of range");
  } catch (const std::bad_alloc&) {
    return failure("too large to parse");
  } catch (...) {
    return failure("unparseable");
  }
}

}  // namespace slwd::events
