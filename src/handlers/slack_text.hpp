#pragma once
// Text utilities for Slack mrkdwn. SmartLead data is untrusted: every value that goes into a
// message passes through clean_text() and escape_mrkdwn(), so a lead named "<!channel>" shows as
// text instead of pinging the channel, and "<https://evil|bank>" cannot forge a link.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace slwd::handlers::slack {

// "…" (U+2026): what every truncated text ends with.
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";

// Valid UTF-8 with invalid bytes as U+FFFD, CR LF and lone CR as LF, and control characters
// other than LF and TAB as spaces (they have no business in a chat message).
std::string clean_text(std::string_view text);

// Slack's three mrkdwn control characters as entities: & -> &amp;, < -> &lt;, > -> &gt;.
std::string escape_mrkdwn(std::string_view text);
// clean_text + escape_mrkdwn: the form of every untrusted value in a mrkdwn text.
std::string mrkdwn_value(std::string_view text);

// Length as Slack's limits count it. Counted in UTF-16 code units, which is never less than
// the number of code points, so a text within the limit by this count is within it either way.
std::size_t slack_length(std::string_view utf8);

// At most `max_units` (slack_length) including the ellipsis added when something was cut.
// Never splits a UTF-8 sequence. With `mrkdwn`, never cuts inside an entity (&amp;) or leaves an
// unclosed <...> (a link or mention the cut would break), backing up to before it instead.
std::string truncate_text(std::string_view text, std::size_t max_units, bool mrkdwn = true);

// Newlines and tabs as spaces, runs of spaces as one, trimmed: for one-line texts.
std::string one_line(std::string_view text);
// Trims spaces, tabs and newlines at both ends.
std::string_view trim(std::string_view text);

// Every line prefixed with "> " (mrkdwn block quote). `escaped` is already mrkdwn-safe.
std::string quote_lines(std::string_view escaped);

// The URL in the form a mrkdwn link <URL|label> needs, or nullopt when it is not an absolute
// http(s) URL. Characters that would end the link or the label (| < > space, quotes, controls)
// are percent-encoded and & becomes &amp;, so an untrusted URL cannot inject markup.
std::optional<std::string> link_url(std::string_view url);
// "<url|label>"; `url` from link_url(), `label` already escaped.
std::string mrkdwn_link(std::string_view url, std::string_view label);

}  // namespace slwd::handlers::slack
