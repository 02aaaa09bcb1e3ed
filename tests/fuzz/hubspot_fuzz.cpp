// Fuzz target: what a `hubspot` handler makes of a recorded body (SPEC §6 hubspot row) before
// any request — the contact key, the contact to create, the property update or the note — and
// the note's text helpers on raw bytes. HubSpot renders notes as HTML, so nothing from the
// event may come out as markup.
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.hpp"
#include "handlers/hubspot_event_plan.hpp"
#include "handlers/hubspot_note.hpp"
#include "slwd/events/timestamp.hpp"

namespace {

using slwd::fuzz::valid_utf8;
namespace hubspot = slwd::handlers::hubspot;

// The tags note_body_html() writes; anything else that looks like a tag came from the event.
void check_html(std::string_view html) {
  static constexpr std::string_view kTags[] = {"<p>", "</p>", "<strong>", "</strong>", "<br>",
                                               "<em>", "</em>", "<a href=\"", "</a>"};
  for (std::size_t at = html.find('<'); at != std::string_view::npos; at = html.find('<', at + 1)) {
    bool ours = false;
    for (auto tag : kTags) ours = ours || html.substr(at).starts_with(tag);
    SLWD_FUZZ_CHECK(ours, "only the note's own tags are markup");
  }
}

bool is_iso8601_utc_ms(std::string_view t) {
  // 2024-06-11T14:23:51.412Z
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (t.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (kShape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != kShape[i]) return false;
  }
  return true;
}

void check_plan(const slwd::store::WorkItem& item, const hubspot::EventPlan& plan,
                const hubspot::MappingSettings& settings) {
  for (unsigned char c : plan.lead_key) {
    SLWD_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "the lead key is lowercase");
  }
  if (!plan.lead_key.empty()) {
    SLWD_FUZZ_CHECK(plan.lead_key.front() != ' ' && plan.lead_key.back() != ' ', "the lead key is trimmed");
  }
  // Whatever goes into a request is valid UTF-8, or the API client would mangle it silently.
  for (const auto* props : {&plan.new_contact, &plan.update}) {
    for (const auto& [name, value] : *props) {
      SLWD_FUZZ_CHECK(valid_utf8(name) && valid_utf8(value), "property values are valid UTF-8");
    }
  }
  if (!plan.error.empty()) return;
  switch (plan.write) {
    case hubspot::WriteKind::none:
      return;
    case hubspot::WriteKind::update:
      SLWD_FUZZ_CHECK(!plan.lead_key.empty(), "an update has a contact");
      SLWD_FUZZ_CHECK(!plan.update.empty(), "an update changes something");
      for (const auto& [name, value] : plan.update) {
        SLWD_FUZZ_CHECK(!name.empty(), "updated properties have names");
      }
      break;
    case hubspot::WriteKind::note:
      SLWD_FUZZ_CHECK(!plan.lead_key.empty(), "a note has a contact");
      SLWD_FUZZ_CHECK(plan.note_body.size() <= hubspot::kMaxNoteBytes, "notes stay under HubSpot's limit");
      SLWD_FUZZ_CHECK(valid_utf8(plan.note_body), "the note is valid UTF-8");
      check_html(plan.note_body);
      SLWD_FUZZ_CHECK(plan.note_marker == hubspot::note_marker(item.delivery_id), "the marker is the delivery's");
      SLWD_FUZZ_CHECK(plan.note_body.find(plan.note_marker) != std::string::npos, "the note carries its marker");
      SLWD_FUZZ_CHECK(is_iso8601_utc_ms(plan.note_time), "hs_timestamp is ISO-8601 UTC with ms");
      SLWD_FUZZ_CHECK(slwd::events::parse_iso8601_ms(plan.note_time).has_value(), "hs_timestamp is a real date");
      break;
  }
  if (plan.write != hubspot::WriteKind::none) {
    SLWD_FUZZ_CHECK(plan.new_contact.count("email") && plan.new_contact.at("email") == plan.lead_key,
                    "a missing contact is created under the lead key");
  }
  (void)settings;
}

void check_note_helpers(std::string_view raw) {
  for (std::size_t max : {std::size_t{0}, std::size_t{2}, std::size_t{5}, std::size_t{64}, SIZE_MAX}) {
    const std::string escaped = hubspot::html_escape(raw, max);
    SLWD_FUZZ_CHECK(escaped.size() <= max, "html_escape stays within max_bytes");
    SLWD_FUZZ_CHECK(valid_utf8(escaped), "html_escape makes valid UTF-8");
    SLWD_FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos, "html_escape escapes markup");
  }
  (void)hubspot::html_to_text(raw);
  (void)hubspot::parse_timestamp_ms(raw);
  (void)hubspot::split_name(std::string(raw));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const hubspot::MappingSettings settings{
      {{"category", "hs_lead_status"}, {"unsubscribed", "smartlead_unsubscribed"},
       {"bounced", "smartlead_bounced"}},
      {{"Interested", "OPEN_DEAL"}, {"not interested", "UNQUALIFIED"}}};
  slwd::store::WorkItem item;
  item.delivery_id = "fuzz-delivery";
  item.handler = "hubspot";
  item.received_at_ms = 1718115831000;
  item.body = std::string(slwd::fuzz::as_text(data, size));
  check_plan(item, hubspot::plan_event(item, settings), settings);
  check_note_helpers(item.body);
  return 0;
}
