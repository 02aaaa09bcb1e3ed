#include "hubspot_note.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "slwd/events/timestamp.hpp"
#include "slwd/security/signature.hpp"
#include "utf8.hpp"

namespace slwd::handlers::hubspot {
namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // …
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

std::string_view entity_of(char c) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return {};
  }
}

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// Escaped text with line breaks as <br>, within max_bytes.
std::string escape_multiline(std::string_view text, std::size_t max_bytes) {
  std::string escaped = html_escape(text, max_bytes);
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '\r') {
      if (i + 1 < escaped.size() && escaped[i + 1] == '\n') ++i;
      out += "<br>";
    } else if (escaped[i] == '\n') {
      out += "<br>";
    } else {
      out += escaped[i];
    }
  }
  return out;
}

bool is_web_url(std::string_view url) {
  auto starts = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    }
    return true;
  };
  return starts("https://") || starts("http://");
}

}  // namespace

std::string html_escape(std::string_view text, std::size_t max_bytes) {
  // Escaped pieces in order; the first pass tells whether everything fits.
  std::vector<std::string_view> pieces;
  pieces.reserve(text.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < text.size();) {
    std::string_view piece;
    std::size_t consumed = 1;
    if (auto entity = entity_of(text[i]); !entity.empty()) {
      piece = entity;
    } else if (std::size_t n = utf8_sequence_length(text, i); n > 0) {
      piece = text.substr(i, n);
      consumed = n;
    } else {
      piece = kReplacement;
    }
    pieces.push_back(piece);
    total += piece.size();
    i += consumed;
  }
  // Cut text ends in an ellipsis; whole pieces only, so no entity or character is split.
  const std::size_t room = total <= max_bytes               ? max_bytes
                           : max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size()
                                                           : 0;
  std::string out;
  out.reserve(std::min(total, max_bytes));
  for (auto piece : pieces) {
    if (out.size() + piece.size() > room) break;
    out += piece;
  }
  if (total > max_bytes && out.size() + kEllipsis.size() <= max_bytes) out += kEllipsis;
  return out;
}

std::string html_to_text(std::string_view html) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kEntities = {{
      {"&amp;", "&"},
      {"&lt;", "<"},
      {"&gt;", ">"},
      {"&quot;", "\""},
      {"&#39;", "'"},
      {"&apos;", "'"},
      {"&nbsp;", " "},
  }};
  std::string out;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      const std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;  // an unterminated tag: drop the rest
      std::string tag;
      for (std::size_t k = i + 1; k < end && tag.size() < 8; ++k) {
        const char t = html[k];
        if (std::isspace(static_cast<unsigned char>(t)) || t == '>') break;
        tag += static_cast<char>(std::tolower(static_cast<unsigned char>(t)));
      }
      if (tag == "br" || tag == "br/" || tag == "/p" || tag == "/div" || tag == "/li") out += '\n';
      i = end + 1;
      continue;
    }
    if (c == '&') {
      bool decoded = false;
      for (const auto& [name, value] : kEntities) {
        if (html.substr(i, name.size()) == name) {
          out += value;
          i += name.size();
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out += c;
    ++i;
  }
  return trim(out);
}

std::optional<std::int64_t> parse_timestamp_ms(std::string_view raw) {
  const std::string s = trim(raw);
  if (s.empty()) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string::npos) {  // epoch seconds or ms
    if (s.size() > 15) return std::nullopt;
    const std::int64_t v = std::stoll(s);
    return s.size() <= 11 ? v * 1000 : v;
  }
  return events::parse_iso8601_ms(s);
}

std::string note_marker(std::string_view delivery_id) {
  return "slwd" + security::sha256_hex(delivery_id).substr(0, 32);
}

std::string note_body_html(const NoteInput& in) {
  // Fixed parts first, so the reply text gets whatever room is left.
  std::string head = "<p><strong>SmartLead reply</strong>";
  if (in.campaign_name) {
    head += " &mdash; campaign <strong>" + html_escape(*in.campaign_name, 1000) + "</strong>";
  } else if (in.campaign_id) {
    head += " &mdash; campaign #" + html_escape(*in.campaign_id, 100);
  }
  head += "</p>";
  if (in.subject) head += "<p><strong>Subject:</strong> " + html_escape(*in.subject, 2000) + "</p>";
  if (in.from_email) head += "<p><strong>To mailbox:</strong> " + html_escape(*in.from_email, 500) + "</p>";

  std::string tail;
  if (in.app_url && is_web_url(*in.app_url) && in.app_url->size() <= 2000) {
    tail += "<p><a href=\"" + html_escape(*in.app_url) + "\">Open in SmartLead</a></p>";
  }
  // The marker stands alone between tags, so it is one search token.
  tail += "<p>SmartLead delivery ref: " + in.marker + "</p>";

  std::string text;
  if (in.reply_text) {
    text = *in.reply_text;
  } else if (in.reply_html) {
    text = html_to_text(*in.reply_html);
  }
  const std::string fixed = head + tail;
  const std::size_t room = kMaxNoteBytes > fixed.size() + 64 ? kMaxNoteBytes - fixed.size() - 64 : 0;
  std::string reply = text.empty() ? std::string("<em>(the event carried no reply text)</em>")
                                   : escape_multiline(text, room / 4);  // a \n grows to <br>
  return head + "<p>" + reply + "</p>" + tail;
}

}  // namespace slwd::handlers::hubspot
