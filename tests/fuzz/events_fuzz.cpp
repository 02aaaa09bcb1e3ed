// Fuzz target: the event parser the receiver runs on every body (SPEC §4 row 7, §5), across
// both field generations, aliases and the {id,type,data,meta} envelope, plus the helpers that
// see the same untrusted text (compact_json for file lines, timestamps, template syntax).
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "fuzz_check.hpp"
#include "slwd/events/event.hpp"
#include "slwd/events/json_depth.hpp"
#include "slwd/events/template.hpp"
#include "slwd/events/timestamp.hpp"

namespace {

using nlohmann::json;
using slwd::fuzz::valid_utf8;
namespace events = slwd::events;

void check_optional_text(const std::optional<std::string>& value, const char* what) {
  if (value) SLWD_FUZZ_CHECK(valid_utf8(*value), what);
}

// Differential, against the parser the contract was written against (parse_event runs
// simdjson and falls back to nlohmann): the fields every handler reads are what a plain nlohmann
// DOM lookup gives, where the last of a repeated key wins.
std::optional<std::string> dom_text(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

void check_as_nlohmann_reads(const json& root, const events::Common& common) {
  std::optional<std::string> raw_type;
  for (const char* key : {"event_type", "event", "type"}) {
    if (!raw_type) raw_type = dom_text(root, key);
  }
  SLWD_FUZZ_CHECK(raw_type.has_value(), "nlohmann finds the event type too");
  const auto canonical = events::canonical_event_type(*raw_type);
  SLWD_FUZZ_CHECK(common.event_type == (canonical ? std::string(*canonical) : *raw_type),
                  "event_type is the one nlohmann reads");
  // A non-empty top-level to_email is the lead email whatever else the body holds.
  if (const auto email = dom_text(root, "to_email")) {
    SLWD_FUZZ_CHECK(common.lead_email == email, "lead_email is the to_email nlohmann reads");
  }
  const auto id = root.find("campaign_id");
  if (id == root.end()) return;
  std::optional<std::string> expected;
  if (id->is_string() && !id->get_ref<const std::string&>().empty()) expected = id->get<std::string>();
  if (id->is_number_unsigned()) expected = std::to_string(id->get<std::uint64_t>());
  if (id->is_number_integer() && !id->is_number_unsigned()) {
    expected = std::to_string(id->get<std::int64_t>());
  }
  if (expected) SLWD_FUZZ_CHECK(common.campaign_id == expected, "campaign_id is the one nlohmann reads");
}

void check_event(std::string_view body, const events::Event& event) {
  const events::Common& common = event.common;
  SLWD_FUZZ_CHECK(!common.event_type.empty(), "a parsed event has a type");
  SLWD_FUZZ_CHECK(valid_utf8(common.event_type), "event type is valid UTF-8");
  // Known names (and aliases) come out canonical with their typed struct; others stay unknown.
  const auto canonical = events::canonical_event_type(common.event_type);
  if (canonical) {
    SLWD_FUZZ_CHECK(*canonical == common.event_type, "a known type is stored canonical");
    SLWD_FUZZ_CHECK(!std::holds_alternative<events::UnknownEvent>(event.detail),
                    "a known type has its typed struct");
  } else {
    SLWD_FUZZ_CHECK(std::holds_alternative<events::UnknownEvent>(event.detail),
                    "an unknown type has no typed struct");
  }
  for (const auto* field : {&common.campaign_id, &common.campaign_name, &common.lead_email,
                            &common.lead_name, &common.category, &common.timestamp,
                            &common.secret_key}) {
    check_optional_text(*field, "common fields are valid UTF-8");
  }
  // Ids are text: never an empty one (an empty string means absent).
  if (common.campaign_id) SLWD_FUZZ_CHECK(!common.campaign_id->empty(), "campaign_id not empty");

  // What was accepted is JSON by any standard parser, and compact_json keeps its meaning.
  const json original = json::parse(body.begin(), body.end(), nullptr, false);
  SLWD_FUZZ_CHECK(!original.is_discarded() && original.is_object(), "accepted body is a JSON object");
  check_as_nlohmann_reads(original, common);
  const std::string compact = events::compact_json(body);
  SLWD_FUZZ_CHECK(compact.size() <= body.size(), "compact_json never grows the text");
  const json reparsed = json::parse(compact, nullptr, false);
  SLWD_FUZZ_CHECK(!reparsed.is_discarded(), "compact_json output is JSON");
  SLWD_FUZZ_CHECK(reparsed == original, "compact_json keeps the document");
  SLWD_FUZZ_CHECK(events::compact_json(compact) == compact, "compact_json is idempotent");
  const auto again = events::parse_event(compact);
  SLWD_FUZZ_CHECK(again.event.has_value(), "the compact form parses too");
  SLWD_FUZZ_CHECK(again.event->common.event_type == common.event_type &&
                      again.event->common.lead_email == common.lead_email &&
                      again.event->common.campaign_id == common.campaign_id &&
                      again.event->common.secret_key == common.secret_key,
                  "the compact form is the same event");
}

void check_template(std::string_view text) {
  const auto parsed = events::parse_template(text);
  SLWD_FUZZ_CHECK(parsed.value.has_value() == parsed.error.empty(), "template: value xor error");
  if (!parsed.value) return;
  for (const auto& piece : parsed.value->pieces) {
    if (!piece.placeholder) continue;
    bool known = false;
    for (const auto& p : events::template_placeholders()) known = known || p.name == piece.text;
    SLWD_FUZZ_CHECK(known, "a parsed template names only known placeholders");
  }
  // With every placeholder empty, what is left is the literal text: never more than the source.
  const std::string rendered = parsed.value->render([](std::string_view) { return std::string(); });
  SLWD_FUZZ_CHECK(rendered.size() <= text.size(), "rendering adds nothing but values");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = slwd::fuzz::as_text(data, size);

  const events::ParseResult result = events::parse_event(body);
  SLWD_FUZZ_CHECK(result.event.has_value() == result.error.empty(), "parse: event xor error");
  if (result.event) {
    check_event(body, *result.event);
  } else {
    // The reason goes into a JSON answer and the quarantine: short, printable, no body bytes.
    SLWD_FUZZ_CHECK(result.error.size() <= 64, "error reasons are short");
    for (unsigned char c : result.error) SLWD_FUZZ_CHECK(c >= 0x20 && c < 0x7F, "error reason is ASCII");
  }
  if (!events::json_depth_within(body)) SLWD_FUZZ_CHECK(!result.event, "too deep never parses");
  // Both ways: accepted only what nlohmann accepts; and what nlohmann accepts (within the depth
  // limit, no raw NUL) is refused only for its shape, never as unparseable.
  const bool nlohmann_accepts = json::accept(body.begin(), body.end());
  if (result.event) SLWD_FUZZ_CHECK(nlohmann_accepts, "parse_event accepts only what nlohmann does");
  if (nlohmann_accepts && events::json_depth_within(body) &&
      std::memchr(body.data(), '\0', body.size()) == nullptr && !result.event) {
    SLWD_FUZZ_CHECK(result.error == "not a JSON object" || result.error == "no event type",
                    "a body nlohmann accepts is refused only for its shape");
  }

  check_template(body);
  (void)events::canonical_event_type(body);
  if (const auto ms = events::parse_iso8601_ms(body)) {
    // Four-digit years only: 0000-01-01 .. 9999-12-31 (plus an offset of at most a day).
    SLWD_FUZZ_CHECK(*ms >= -62167219200000LL - 86400000LL && *ms <= 253402300799999LL + 86400000LL,
                    "timestamps stay in four-digit years");
  }
  return 0;
}
