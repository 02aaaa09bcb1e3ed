#pragma once
// The text of the HubSpot note an EMAIL_REPLY becomes, and the small text helpers it needs.
// HubSpot renders `hs_note_body` as HTML, so everything taken from the event is escaped; a
// marker derived from the delivery id makes the note findable again (idempotent retries).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slwd::handlers::hubspot {

// HubSpot's limit for hs_note_body is 65,536 characters; stay well below it.
inline constexpr std::size_t kMaxNoteBytes = 60000;

// &, <, >, " and ' escaped. At most `max_bytes` of output: an entity or a UTF-8 sequence is
// never cut, and a cut text ends in "…". Invalid UTF-8 bytes become U+FFFD.
std::string html_escape(std::string_view text, std::size_t max_bytes = SIZE_MAX);

// The visible text of an HTML fragment: tags dropped (<br>, </p>, </div> become line breaks),
// the common entities decoded. Good enough for a reply that only came as HTML.
std::string html_to_text(std::string_view html);

// Milliseconds since the epoch for an ISO-8601 date-time ("2024-03-05T11:20:00Z",
// "2023-09-25T18:02:40.000000+00:00", "2024-11-25 11:00:00+0100") or a decimal epoch in
// seconds (<= 11 digits) or milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_timestamp_ms(std::string_view text);

// The token put into the note body: "slwd" + 32 lowercase hex digits of SHA-256(delivery id).
// Letters and digits only, so HubSpot's search tokenizer keeps it whole (CONTAINS_TOKEN).
std::string note_marker(std::string_view delivery_id);

struct NoteInput {
  std::optional<std::string> campaign_name;
  std::optional<std::string> campaign_id;
  std::optional<std::string> subject;
  std::optional<std::string> reply_text;
  std::optional<std::string> reply_html;  // used when there is no text
  std::optional<std::string> from_email;  // the SmartLead mailbox that was answered
  std::optional<std::string> app_url;     // link to the SmartLead inbox (http/https only)
  std::string marker;
};

// The hs_note_body HTML: campaign, subject, the reply text (line breaks kept), a link to
// SmartLead when known, and the marker. At most kMaxNoteBytes.
std::string note_body_html(const NoteInput& input);

}  // namespace slwd::handlers::hubspot
