#include "slack_text.hpp"

#include <algorithm>
#include <cctype>
#include "utf8.hpp"

namespace slwd::handlers::slack {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// UTF-16 units of the sequence starting with `lead` (valid UTF-8 assumed).
std::size_t units_of(unsigned char lead) {
  return lead >= 0xF0 ? 2 : 1;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool is_url_safe(unsigned char c) {
  // Everything an http(s) URL may carry unencoded except what mrkdwn links treat specially.
  if (c <= 0x20 || c >= 0x7F) return false;
  return std::string_view("|<>\"'`{}\\^").find(static_cast<char>(c)) == std::string_view::npos;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::string clean_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (n == 1) {
      const char c = text[i];
      if (c == '\r') {
        out += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else if (c == '\n' || c == '\t') {
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        out += ' ';
      } else {
        out += c;
      }
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string escape_mrkdwn(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string mrkdwn_value(std::string_view text) {
  return escape_mrkdwn(clean_text(text));
}

std::size_t slack_length(std::string_view utf8) {
  std::size_t units = 0;
  for (char c : utf8) {
    if (is_continuation(c)) continue;
    units += units_of(static_cast<unsigned char>(c));
  }
  return units;
}

std::string truncate_text(std::string_view text, std::size_t max_units, bool mrkdwn) {
  if (slack_length(text) <= max_units) return std::string(text);
  if (max_units == 0) return {};
  // The longest prefix of whole code points that leaves room for the ellipsis.
  const std::size_t budget = max_units - 1;
  std::size_t used = 0;
  std::size_t cut = 0;
  while (cut < text.size()) {
    std::size_t next = cut + 1;
    while (next < text.size() && is_continuation(text[next])) ++next;
    const std::size_t units = units_of(static_cast<unsigned char>(text[cut]));
    if (used + units > budget) break;
    used += units;
    cut = next;
  }
  if (mrkdwn) {
    const std::string_view kept = text.substr(0, cut);
    // An entity is at most "&amp;" long in what we produce; back up before a partial one.
    const std::size_t amp = kept.rfind('&');
    if (amp != std::string_view::npos && kept.find(';', amp) == std::string_view::npos &&
        kept.size() - amp < 10) {
      cut = amp;
    }
    // Literal < only comes from our own markup or an operator's template (values are escaped):
    // a link or mention cut in half would show as garbage, so drop it whole.
    const std::size_t open = text.substr(0, cut).rfind('<');
    if (open != std::string_view::npos &&
        text.substr(0, cut).find('>', open) == std::string_view::npos) {
      cut = open;
    }
  }
  std::string out(text.substr(0, cut));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\t'))
    out.pop_back();
  out += kEllipsis;
  return out;
}

std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto first = text.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kBlank);
  return text.substr(first, last - first + 1);
}

std::string quote_lines(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size() + 16);
  std::size_t at = 0;
  while (true) {
    const std::size_t nl = escaped.find('\n', at);
    const std::string_view line = escaped.substr(at, nl == std::string_view::npos ? nl : nl - at);
    out += line.empty() ? ">" : "> ";
    out += line;
    if (nl == std::string_view::npos) break;
    out += '\n';
    at = nl + 1;
  }
  return out;
}

std::optional<std::string> link_url(std::string_view url) {
  url = trim(url);
  if (!starts_with_ci(url, "https://") && !starts_with_ci(url, "http://")) return std::nullopt;
  if (url.size() > 2000) return std::nullopt;  // nobody's inbox link is this long
  std::string out;
  out.reserve(url.size() + 8);
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '&') {
      out += "&amp;";
    } else if (is_url_safe(c)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  // "http://" alone, or a host made only of encoded junk, is no link.
  if (out.find_first_not_of('/', out.find(':') + 1) == std::string::npos) return std::nullopt;
  return out;
}

std::string mrkdwn_link(std::string_view url, std::string_view label) {
  std::string out = "<";
  out += url;
  out += '|';
  out += label;
  out += '>';
  return out;
}

}  // namespace slwd::handlers::slack
