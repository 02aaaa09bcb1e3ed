#include <algorithm>
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
  // One pass; bytes are copied in runs, cut only where insignificant whitespace is dropped (this
  // runs once per event for every file handler line).
  const char* p = json_text.data();
  const char* const end = p + json_text.size();
  const char* run = p;
  bool in_string = false;
  while (p < end) {
    const char c = *p;
    if (in_string) {
      if (c == '\\') {
        p += 2;  // the escaped byte can neither end the string nor start another escape
        continue;
      }
      in_string = c != '"';
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {  // RFC 8259 whitespace
      out.append(run, p);
      run = p + 1;
    }
    ++p;
  }
  out.append(run, std::min(p, end));
  return out;
}

}  // namespace slwd::events
