#pragma once
// What the fuzz targets assert beyond "no crash". A broken invariant aborts with its reason, which
// libFuzzer reports like any crash (and saves the input). The UTF-8 check is written here rather
// than borrowed from the code under test, so that it can disagree with it.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define SLWD_FUZZ_CHECK(condition, what)                                                   \
  do {                                                                                     \
    if (!(condition)) slwd::fuzz::invariant_failed(what, #condition, __FILE__, __LINE__); \
  } while (false)

namespace slwd::fuzz {

[[noreturn]] inline void invariant_failed(std::string_view what, const char* condition,
                                          const char* file, int line) {
  std::fprintf(stderr, "\n==fuzz== invariant broken: %.*s\n==fuzz== %s:%d: %s\n",
               static_cast<int>(what.size()), what.data(), file, line, condition);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// RFC 3629: shortest forms only, no surrogates, nothing above U+10FFFF.
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const std::uint32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace slwd::fuzz
