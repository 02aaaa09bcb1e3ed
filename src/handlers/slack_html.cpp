#include "slack_html.hpp"

#include <array>
#include <cctype>
#include <cstdint>
#include <utility>
#include <vector>

#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool starts_with_ci(std::string_view s, std::size_t at, std::string_view prefix) {
  if (at > s.size() || s.size() - at < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(s[at + i]) != prefix[i]) return false;
  }
  return true;
}

// Position of `needle` (lower case) in s from `from`, ignoring ASCII case; npos when absent.
std::size_t find_ci(std::string_view s, std::string_view needle, std::size_t from) {
  if (needle.empty() || s.size() < needle.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
    if (lower(s[i]) == needle[0] && starts_with_ci(s, i, needle)) return i;
  }
  return std::string_view::npos;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The named entities email clients actually produce; anything else stays as written.
constexpr std::array<std::pair<std::string_view, std::uint32_t>, 24> kEntities = {{
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", ' '},      {"hellip", 0x2026}, {"mdash", 0x2014},
    {"ndash", 0x2013}, {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bull", 0x2022},   {"middot", 0xB7},   {"copy", 0xA9},
    {"reg", 0xAE},     {"trade", 0x2122},  {"euro", 0x20AC},   {"pound", 0xA3},
    {"laquo", 0xAB},   {"raquo", 0xBB},    {"zwnj", 0x200C},   {"zwj", 0x200D},
}};

// Decodes the entity at s[at] == '&'; returns the code point and how many bytes it spans.
std::optional<std::pair<std::uint32_t, std::size_t>> entity_at(std::string_view s,
                                                               std::size_t at) {
  constexpr std::size_t kMaxEntity = 32;  // generous: "&#0000000065;" is still an "A"
  // Looked for in a bounded window: "&&&&..." must not rescan the rest of the text each time.
  const std::size_t window = s.substr(at + 1, kMaxEntity).find(';');
  if (window == std::string_view::npos) return std::nullopt;
  const std::size_t semi = at + 1 + window;
  const std::string_view body = s.substr(at + 1, semi - at - 1);
  const std::size_t span = semi - at + 1;
  if (body.size() >= 2 && body[0] == '#') {
    const bool hex = body[1] == 'x' || body[1] == 'X';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return std::nullopt;
    std::uint32_t cp = 0;
    for (char c : digits) {
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) return std::nullopt;
      cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(d);
      if (cp > 0x10FFFF) cp = 0x110000;  // stays out of range without overflowing
    }
    return std::pair{cp == 0xA0 ? std::uint32_t{' '} : cp, span};
  }
  for (const auto& [name, cp] : kEntities) {
    if (body == name) return std::pair{cp, span};
  }
  return std::nullopt;
}

bool is_one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  for (auto n : names) {
    if (name == n) return true;
  }
  return false;
}

// Elements whose start and end are line boundaries.
bool is_block(std::string_view name) {
  return is_one_of(name, {"p",       "div",    "tr",     "table",  "tbody",  "thead",   "ul",
                          "ol",      "h1",     "h2",     "h3",     "h4",     "h5",      "h6",
                          "pre",     "section", "article", "header", "footer", "hr",     "dl",
                          "dt",      "dd",     "center", "address", "form",   "fieldset", "nav",
                          "aside",   "main",   "figure", "figcaption", "blockquote"});
}

// Elements whose content is never text a reader sees.
bool is_hidden(std::string_view name) {
  return is_one_of(name, {"script", "style", "head", "title", "template", "noscript", "xml"});
}

// Attribute text of a div that starts a mail client's quoted history.
bool starts_quoted_history(std::string_view attrs) {
  for (std::string_view marker :
       {"gmail_quote", "yahoo_quoted", "divrplyfwdmsg", "appendonsend", "moz-cite-prefix"}) {
    if (find_ci(attrs, marker, 0) != std::string_view::npos) return true;
  }
  return false;
}

class TextWriter {
 public:
  void put(char c) {
    if (is_html_space(c)) {
      space_ = true;
      return;
    }
    if (space_ && !out_.empty() && out_.back() != '\n') out_ += ' ';
    space_ = false;
    out_ += c;
  }
  void put(std::string_view s) {
    for (char c : s) put(c);
  }
  void put_code_point(std::uint32_t cp) {
    if (cp == ' ') return put(' ');
    std::string bytes;
    append_utf8(bytes, cp);
    put(std::string_view(bytes));
  }
  void end_line() {
    space_ = false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  }
  void line_break() {
    space_ = false;
    out_ += '\n';
  }
  void separate() { space_ = true; }
  std::string finish();

 private:
  std::string out_;
  bool space_ = false;
};

// At most one blank line in a row, no blanks at either end.
std::string TextWriter::finish() {
  std::string out;
  out.reserve(out_.size());
  std::size_t newlines = 0;
  for (char c : out_) {
    if (c == '\n') {
      if (++newlines > 2) continue;
    } else {
      newlines = 0;
    }
    out += c;
  }
  return std::string(trim(out));
}

// Index just past the '>' ending the tag whose attributes start at `from`; npos when the tag
// never ends. A quote only opens after '=', as in HTML, so "<p it's>" still ends at its '>'.
std::size_t tag_end(std::string_view html, std::size_t from) {
  char quote = 0;
  char previous = 0;
  for (std::size_t k = from; k < html.size(); ++k) {
    const char c = html[k];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '"' || c == '\'') && previous == '=') {
      quote = c;
    } else if (c == '>') {
      return k + 1;
    }
    if (!is_html_space(c)) previous = c;
  }
  return std::string_view::npos;
}

// Index just past the end tag closing the element whose content starts at `from`, counting
// nested elements of the same name; npos when it is never closed.
std::size_t skip_element(std::string_view html, std::size_t from, std::string_view name,
                         bool nests) {
  const std::string open = "<" + std::string(name);
  const std::string close = "</" + std::string(name);
  int depth = 1;
  std::size_t at = from;
  while (true) {
    const std::size_t lt = html.find('<', at);
    if (lt == std::string_view::npos) return lt;
    auto name_ends_at = [&](std::size_t k) {
      return k >= html.size() || !std::isalnum(static_cast<unsigned char>(html[k]));
    };
    if (starts_with_ci(html, lt, close) && name_ends_at(lt + close.size())) {
      if (--depth == 0) {
        const std::size_t gt = html.find('>', lt);
        return gt == std::string_view::npos ? gt : gt + 1;
      }
    } else if (nests && starts_with_ci(html, lt, open) && name_ends_at(lt + open.size())) {
      ++depth;
    }
    at = lt + 1;
  }
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "On Tue, 5 Mar 2024 at 09:15, Maria <maria@x> wrote:" and its translations.
bool is_attribution_end(std::string_view line) {
  for (std::string_view ending : {"wrote:", "a \xC3\xA9" "crit :", "a \xC3\xA9" "crit:",
                                  "schrieb:", "escribi\xC3\xB3:", "ha scritto:", "escreveu:",
                                  "schreef:"}) {
    if (ends_with(line, ending)) return true;
  }
  return false;
}

bool is_attribution_start(std::string_view line) {
  for (std::string_view start : {"On ", "Le ", "Am ", "El ", "Il ", "Em ", "Op "}) {
    if (starts_with(line, start)) return true;
  }
  return false;
}

bool is_separator(std::string_view line) {
  if (line.size() >= 8 && line.find_first_not_of('_') == std::string_view::npos) return true;
  return starts_with(line, "---") && find_ci(line, "original message", 0) != std::string_view::npos;
}

}  // namespace

std::string html_to_text(std::string_view html, bool drop_quotes) {
  TextWriter w;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      if (auto entity = entity_at(html, i)) {
        w.put_code_point(entity->first);
        i += entity->second;
      } else {
        w.put('&');
        ++i;
      }
      continue;
    }
    if (c != '<') {
      w.put(c);
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    std::size_t j = i + 1;
    const bool closing = j < html.size() && html[j] == '/';
    if (closing) ++j;
    if (j >= html.size() || !(is_alpha(html[j]) || (!closing && (html[j] == '!' || html[j] == '?')))) {
      w.put('<');  // "a < b" is text
      ++i;
      continue;
    }
    std::string name;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) ||
                               html[j] == ':' || html[j] == '-' || html[j] == '!' || html[j] == '?')) {
      name += lower(html[j]);
      ++j;
    }
    const std::size_t end = tag_end(html, j);
    if (end == std::string_view::npos) break;  // a tag that never ends hides the rest
    const std::string_view attrs = html.substr(j, end - j);
    i = end;
    if (closing) {
      if (name == "li" || is_block(name)) w.end_line();
      if (name == "td" || name == "th") w.separate();
      continue;
    }
    if (is_hidden(name)) {
      if (attrs.size() >= 2 && attrs[attrs.size() - 2] == '/') continue;  // <title/>
      const std::size_t after = skip_element(html, i, name, false);
      i = after == std::string_view::npos ? html.size() : after;
      continue;
    }
    if (drop_quotes && name == "blockquote") {
      const std::size_t after = skip_element(html, i, name, true);
      i = after == std::string_view::npos ? html.size() : after;
      w.end_line();
      continue;
    }
    if (drop_quotes && name == "div" && starts_quoted_history(attrs)) break;
    if (name == "br") {
      w.line_break();
    } else if (name == "li") {
      w.end_line();
      w.put("\xE2\x80\xA2 ");  // "• "
    } else if (is_block(name)) {
      w.end_line();
    } else if (name == "td" || name == "th") {
      w.separate();
    }
  }
  return w.finish();
}

std::string drop_quoted_history(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t nl = text.find('\n', at);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = trim(lines[i]);
    const std::string_view next = i + 1 < lines.size() ? trim(lines[i + 1]) : std::string_view();
    if (is_attribution_start(line) &&
        (is_attribution_end(line) || (line.size() < 200 && is_attribution_end(next)))) {
      break;
    }
    if (is_separator(line)) break;
    if (starts_with(line, "From:") && (starts_with(next, "Sent:") || starts_with(next, "Date:")))
      break;
    if (starts_with(line, ">")) continue;
    out.append(lines[i]);
    out += '\n';
  }
  const std::string_view kept = trim(out);
  if (kept.empty()) return std::string(trim(text));
  return std::string(kept);
}

std::string visible_text(std::string_view text, std::string_view html, bool drop_quotes) {
  const std::string cleaned = clean_text(text);
  if (!trim(cleaned).empty()) {
    return drop_quotes ? drop_quoted_history(cleaned) : std::string(trim(cleaned));
  }
  std::string converted = clean_text(html_to_text(html, drop_quotes));
  // A reply that is all quote (a forward without a comment) still shows something.
  if (drop_quotes && converted.empty()) converted = clean_text(html_to_text(html, false));
  return drop_quotes ? drop_quoted_history(converted) : converted;
}

}  // namespace slwd::handlers::slack
