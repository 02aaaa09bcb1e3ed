#pragma once
// The SmartLead event model (SPEC §5). OWNED BY THE EVENTS PART; other parts rely only on the
// functions and the `Common` fields declared in this header's "public API" block below.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace slwd::events {

// ---- public API used by other parts ------------------------------------------------------

// Fields every event type may carry, already resolved across field generations (SPEC §5).
struct Common {
  std::string event_type;  // canonical name (one of known_event_types()) or the raw unknown name
  std::optional<std::string> campaign_id;  // ids as decimal text whether sent as number or string
  std::optional<std::string> campaign_name;
  std::optional<std::string> lead_email;
  std::optional<std::string> lead_name;
  std::optional<std::string> category;  // lead_category.new_name, else category
  std::optional<std::string> timestamp;  // as sent (ISO-8601)
  std::optional<std::string> secret_key;  // top-level secret_key, for accept_body_secret_key
};

// The 11 canonical SmartLead event type names, in a fixed order.
const std::array<std::string_view, 11>& known_event_types();
// Canonical name for a known name or alias (EMAIL_REPLIED -> EMAIL_REPLY); nullopt otherwise.
std::optional<std::string_view> canonical_event_type(std::string_view name);

struct Event;  // defined below: a typed struct per type + unknown

struct ParseResult;
// What parse_event extracts after the (always complete and strict) parse.
enum class Extraction {
  full,         // Common and the typed detail
  common_only,  // Common only (detail stays UnknownEvent): what ingest needs to route and
                // authenticate, without the per-type fields only handlers read
};
// Strict RFC 8259 parse of a top-level object (nesting <= 64), then typed extraction.
// On failure ParseResult::error holds the <reason> of "invalid payload: <reason>"; the verdict
// and the reason do not depend on `extraction`.
ParseResult parse_event(std::string_view body, Extraction extraction = Extraction::full);

// A built-in sample body for a canonical type (used by `send --event`); nullopt if unknown.
std::optional<std::string> sample_body(std::string_view event_type);

// The same JSON text with insignificant whitespace removed. Precondition: valid JSON.
std::string compact_json(std::string_view json_text);

}  // namespace slwd::events

#include "slwd/events/event_types.hpp"  // the typed structs, Event and ParseResult
