#include "slwd/events/json_depth.hpp"

namespace slwd::events {

bool json_depth_within(std::string_view text, std::size_t max_depth) noexcept {
  std::size_t depth = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p != end) {
    const char c = *p++;
    switch (c) {
      case '"':
        // Skip the string; a backslash always escapes exactly the next byte, which is enough
        // to find the closing quote (\uXXXX has no quote or backslash in its digits).
        while (p != end) {
          const char s = *p++;
          if (s == '"') break;
          if (s == '\\') {
            if (p == end) return true;  // truncated: the parser reports it
            ++p;
          }
        }
        break;
      case '{':
      case '[':
        if (++depth > max_depth) return false;
        break;
      case '}':
      case ']':
        // Unbalanced closers are a syntax error the parser reports; don't wrap below zero.
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

}  // namespace slwd::events
