// Fuzz target: the Slack message for a body (SPEC §6 `slack`), built in-process exactly as the
// handler builds it before POSTing, with and without operator templates; then the text helpers
// every SmartLead value goes through. The payload must be JSON Slack accepts: within the Block
// Kit limits slack_limits.hpp promises, and with no mention or link that the event smuggled in.
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.hpp"
#include "handlers/slack_html.hpp"
#include "handlers/slack_limits.hpp"
#include "handlers/slack_payload.hpp"
#include "handlers/slack_text.hpp"
#include "slwd/events/event.hpp"
#include "slwd/events/template.hpp"

namespace {

using nlohmann::json;
using slwd::fuzz::valid_utf8;
namespace slack = slwd::handlers::slack;
namespace events = slwd::events;

// Slack counts UTF-16 code units; counted here independently of slack_length().
std::size_t utf16_units(std::string_view s) {
  std::size_t units = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte or ASCII: one code point
    if (c >= 0xF0) ++units;           // four-byte sequences are surrogate pairs
  }
  return units;
}

// Markup in a text only where the builders put it: links to http(s) URLs and date tokens.
// A lead called "<!channel>" or "<@U123>" must arrive escaped.
void check_markup(std::string_view text) {
  for (std::size_t at = text.find('<'); at != std::string_view::npos; at = text.find('<', at + 1)) {
    const std::string_view rest = text.substr(at + 1);
    SLWD_FUZZ_CHECK(rest.starts_with("http://") || rest.starts_with("https://") ||
                        rest.starts_with("!date^"),
                    "only http(s) links and date tokens are markup");
  }
}

// The member, or null when absent (operator[] on a const json must not meet a missing key).
const json& member(const json& object, const char* key) {
  static const json absent;
  if (!object.is_object()) return absent;
  const auto it = object.find(key);
  return it == object.end() ? absent : *it;
}

void check_text_object(const json& object, std::size_t limit) {
  SLWD_FUZZ_CHECK(member(object, "text").is_string(), "text objects have text");
  const auto& text = member(object, "text").get_ref<const std::string&>();
  SLWD_FUZZ_CHECK(!slack::trim(text).empty(), "no empty text (Slack refuses it)");
  SLWD_FUZZ_CHECK(utf16_units(text) <= limit, "text within its Block Kit limit");
  check_markup(text);
}

void check_payload(const json& payload) {
  // Strict dump: throws on invalid UTF-8, which serialize() would have to paper over.
  std::string strict;
  try {
    strict = payload.dump();
  } catch (const json::exception&) {
    SLWD_FUZZ_CHECK(false, "the payload is valid UTF-8");
  }
  SLWD_FUZZ_CHECK(slack::serialize(payload) == strict, "serialize is the plain compact dump");
  SLWD_FUZZ_CHECK(json::parse(strict, nullptr, false) == payload, "the payload parses back");

  SLWD_FUZZ_CHECK(member(payload, "text").is_string(), "a payload has a fallback text");
  const auto& text = member(payload, "text").get_ref<const std::string&>();
  SLWD_FUZZ_CHECK(!slack::trim(text).empty(), "the fallback text is not empty");
  SLWD_FUZZ_CHECK(utf16_units(text) <= slack::kMaxFallbackText, "fallback text within its limit");
  check_markup(text);
  SLWD_FUZZ_CHECK(payload.value("unfurl_links", true) == false && payload.value("unfurl_media", true) == false,
                  "links from events are never unfurled");
  if (!payload.contains("blocks")) return;
  const json& blocks = member(payload, "blocks");
  SLWD_FUZZ_CHECK(blocks.is_array() && !blocks.empty() && blocks.size() <= slack::kMaxBlocks,
                  "1 to 50 blocks");
  for (const json& block : blocks) {
    const std::string type = block.value("type", "");
    if (type == "header") {
      check_text_object(member(block, "text"), slack::kMaxHeaderText);
      SLWD_FUZZ_CHECK(member(member(block, "text"), "type") == "plain_text", "headers are plain text");
    } else if (type == "section") {
      SLWD_FUZZ_CHECK(block.contains("text") || block.contains("fields"), "no empty sections");
      if (block.contains("text")) check_text_object(member(block, "text"), slack::kMaxSectionText);
      if (block.contains("fields")) {
        const json& fields = member(block, "fields");
        SLWD_FUZZ_CHECK(fields.is_array() && !fields.empty() && fields.size() <= slack::kMaxSectionFields,
                        "1 to 10 fields");
        for (const json& field : fields) check_text_object(field, slack::kMaxFieldText);
      }
    } else if (type == "context") {
      const json& elements = member(block, "elements");
      SLWD_FUZZ_CHECK(elements.is_array() && !elements.empty() &&
                          elements.size() <= slack::kMaxContextElements,
                      "1 to 10 context elements");
      for (const json& element : elements) check_text_object(element, slack::kMaxContextText);
    } else {
      SLWD_FUZZ_CHECK(type == "divider", "only header, section, context and divider blocks");
    }
  }
  const json fallback = slack::text_only(payload);
  SLWD_FUZZ_CHECK(member(fallback, "text") == member(payload, "text") && !fallback.contains("blocks"),
                  "the text-only retry is the fallback text alone");
}

// Every placeholder, in every event type's template (the operator's text has no markup).
slack::PayloadOptions templated_options() {
  std::string text = "*New {{event_type}}* for {{ lead_email }}\n";
  for (const auto& placeholder : events::template_placeholders()) {
    text += std::string(placeholder.name) + ": {{" + std::string(placeholder.name) + "}}\n";
  }
  slwd::config::HandlerConfig handler;
  handler.app_url = "https://app.smartlead.ai";
  for (auto type : events::known_event_types()) handler.templates[std::string(type)] = text;
  return slack::payload_options(handler);
}

void check_text_helpers(std::string_view raw) {
  const std::string clean = slack::clean_text(raw);
  SLWD_FUZZ_CHECK(valid_utf8(clean), "clean_text makes valid UTF-8");
  const std::string escaped = slack::mrkdwn_value(raw);
  SLWD_FUZZ_CHECK(escaped.find_first_of("<>") == std::string::npos, "mrkdwn_value escapes < and >");
  for (std::size_t max : {std::size_t{1}, std::size_t{7}, std::size_t{200}}) {
    const std::string cut = slack::truncate_text(escaped, max);
    SLWD_FUZZ_CHECK(utf16_units(cut) <= max, "truncate_text stays within its limit");
    SLWD_FUZZ_CHECK(valid_utf8(cut), "truncate_text never splits a character");
  }
  const std::string line = slack::one_line(clean);
  SLWD_FUZZ_CHECK(line.find_first_of("\n\t") == std::string::npos, "one_line is one line");
  if (const auto url = slack::link_url(raw)) {
    SLWD_FUZZ_CHECK(url->starts_with("http://") || url->starts_with("https://"), "links are http(s)");
    SLWD_FUZZ_CHECK(url->find_first_of("|<> \n") == std::string::npos, "a link cannot break out");
  }
  (void)slack::html_to_text(raw);
  (void)slack::drop_quoted_history(raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const slack::PayloadOptions plain;
  static const slack::PayloadOptions templated = templated_options();
  const std::string_view body = slwd::fuzz::as_text(data, size);

  // As the handler builds it: from the recorded body (a body that no longer parses still gets
  // a message naming the recorded type).
  slwd::store::WorkItem item;
  item.delivery_id = "fuzz-delivery";
  item.event_type = "EMAIL_REPLY";
  item.body = std::string(body);
  check_payload(slack::build_payload(item, plain));
  check_payload(slack::build_payload(item, templated));

  check_text_helpers(body);
  return 0;
}
