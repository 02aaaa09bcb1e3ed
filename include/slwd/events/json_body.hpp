#pragma once
// Internal to the events part: the strict parse of a delivery body (SPEC §4 row 7) into a
// simdjson DOM, with the contract's refusal reasons.
#include <memory>
#include <simdjson.h>
#include <string>
#include <string_view>

namespace slwd::events {

struct JsonBody {
  // The document's root value when accepted (any JSON value: the caller wants an object). Valid
  // while this JsonBody lives and the thread parses no other body.
  simdjson::dom::element root;
  // The reason when refused ("empty body", "not valid JSON at byte 12", ...); empty on success.
  std::string error;
  // Set only for a body too large to keep the thread's reusable parser that large.
  std::unique_ptr<simdjson::dom::parser> own_parser;
};

// Accepts exactly what nlohmann's strict parser accepts (no comments, no trailing data, valid
// UTF-8, no lone surrogate escapes, numbers within double range) with nesting <= 64 and no raw
// NUL byte anywhere.
JsonBody parse_json_body(std::string_view body);

}  // namespace slwd::events
