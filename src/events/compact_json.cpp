#include <string>
#include <string_view>

#include "slwd/events/event.hpp"

namespace slwd::events {

std::string compact_json(std::string_view json_text) {
  // The parser tolerates a leading UTF-8 BOM (RFC 8259 §8.1 allows ignoring it), but inside
  // another document, such as a handler's JSON line, it would be garbage: drop it.
  if (json_text.substr(0, 3) == "\xEF\xBB\xBF") json_text.remove_prefix(3);
  std::string out;
  out.reserve(json_text.size());
  bool in_string = false;
  bool escaped = false;
  for (const char c : json_text) {
    if (in_string) {
      out.push_back(c);
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    // RFC 8259 insignificant whitespace is exactly these four bytes.
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    out.push_back(c);
  }
  return out;
}

}  // namespace slwd::events
