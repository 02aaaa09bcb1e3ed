// SPEC §4 row 1 on the raw request head. Boost 1.81's parser accepts things that let a front
// proxy and us disagree on where a message ends (repeated equal Content-Length, obs-fold,
// "gzip, chunked", ...), so framing is decided here, strictly, before Beast sees the head.
#include "slwd/http/framing.hpp"

#include <cstdint>
#include <limits>
#include <string_view>

namespace slwd::http {
namespace {

// RFC 9110 §5.6.2 tchar.
constexpr bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 &&
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Control characters are never legal in a field value or request line (HTAB only in values).
constexpr bool is_ctl(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool all_tchar(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Real transfer codings (IANA registry, plus br/zstd which senders put there by mistake) that
// we do not implement: a request naming only these is well-formed but unsupported, hence 501.
// `identity` is deliberately absent: RFC 7230 removed it, so naming it is malformed (400).
bool is_unimplemented_coding(std::string_view name) {
  return iequals(name, "gzip") || iequals(name, "x-gzip") || iequals(name, "deflate") ||
         iequals(name, "compress") || iequals(name, "x-compress") || iequals(name, "br") ||
         iequals(name, "zstd");
}

Framing bad(const char* reason) {
  Framing f;
  f.verdict = FramingVerdict::bad_request;
  f.reason = reason;
  return f;
}

// Accumulates every Transfer-Encoding field as one list (RFC 9110 §5.3).
struct CodingList {
  std::size_t codings = 0;
  std::size_t chunked = 0;
  bool chunked_with_params = false;
  bool only_unimplemented = true;
  bool malformed = false;

  void add(std::string_view value) {
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = value.find(',', start);
      const std::string_view element = trim_ows(
          value.substr(start, comma == std::string_view::npos ? value.npos : comma - start));
      add_element(element);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }

  void add_element(std::string_view element) {
    // Empty list elements are legal HTTP but never sent by a real client; on the framing
    // header they only serve to confuse parsers, so they are refused.
    if (element.empty()) {
      malformed = true;
      return;
    }
    const std::size_t semi = element.find(';');
    const std::string_view name = trim_ows(element.substr(0, semi));
    if (!all_tchar(name)) {
      malformed = true;
      return;
    }
    ++codings;
    if (iequals(name, "chunked")) {
      ++chunked;
      if (semi != std::string_view::npos) chunked_with_params = true;
      only_unimplemented = false;
    } else if (!is_unimplemented_coding(name)) {
      only_unimplemented = false;
    }
  }

  bool exactly_chunked() const {
    return !malformed && codings == 1 && chunked == 1 && !chunked_with_params;
  }
};

// Content-Length = 1*DIGIT (no sign, no list, no whitespace inside).
bool parse_content_length(std::string_view value, std::uint64_t& out) {
  if (value.empty()) return false;
  std::uint64_t v = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (kMax - digit) / 10) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

}  // namespace

Framing check_framing(std::string_view head) {
  bool http10 = false;
  bool first_line = true;
  bool terminated = false;
  std::size_t content_length_fields = 0;
  std::uint64_t content_length = 0;
  bool transfer_encoding = false;
  CodingList codings;

  std::size_t pos = 0;
  while (pos < head.size()) {
    const std::size_t lf = head.find('\n', pos);
    if (lf == std::string_view::npos) return bad("unterminated line in head");
    // Every line must end in CRLF: a bare LF is read as a line end by some parsers and not by
    // others, which is exactly what request smuggling needs.
    if (lf == pos || head[lf - 1] != '\r') return bad("bare LF in head");
    const std::string_view line = head.substr(pos, lf - 1 - pos);
    pos = lf + 1;

    if (first_line) {
      first_line = false;
      if (line.empty()) return bad("empty request line");
      for (unsigned char c : line) {
        if (is_ctl(c)) return bad("control character in request line");  // NUL, CR, HTAB...
      }
      const std::size_t sp1 = line.find(' ');
      const std::size_t sp2 = line.rfind(' ');
      if (sp1 == std::string_view::npos || sp1 == sp2) return bad("malformed request line");
      http10 = line.substr(sp2 + 1) == "HTTP/1.0";
      continue;
    }
    if (line.empty()) {
      terminated = true;
      break;
    }
    // obs-fold (RFC 9112 §5.2): we may reject it, and do, rather than guess how a proxy joined it.
    if (line.front() == ' ' || line.front() == '\t') return bad("obs-fold in header");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return bad("header line without colon");
    const std::string_view name = line.substr(0, colon);
    // Also catches whitespace between name and colon (RFC 9112 §5.1: MUST be rejected).
    if (!all_tchar(name)) return bad("invalid header field name");
    const std::string_view value = trim_ows(line.substr(colon + 1));
    for (unsigned char c : value) {
      if (is_ctl(c) && c != '\t') return bad("control character in header value");  // NUL, CR
    }

    if (iequals(name, "content-length")) {
      if (++content_length_fields > 1) return bad("more than one Content-Length");
      if (!parse_content_length(value, content_length)) return bad("invalid Content-Length");
    } else if (iequals(name, "transfer-encoding")) {
      transfer_encoding = true;
      codings.add(value);
    }
  }
  if (!terminated) return bad("head not terminated by an empty line");

  Framing framing;
  if (transfer_encoding) {
    if (content_length_fields > 0) return bad("both Content-Length and Transfer-Encoding");
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing, whatever it names.
    if (http10) return bad("Transfer-Encoding on HTTP/1.0");
    if (!codings.exactly_chunked()) {
      if (!codings.malformed && codings.codings > 0 && codings.only_unimplemented) {
        framing.verdict = FramingVerdict::not_implemented;
        framing.reason = "unsupported transfer coding";
        return framing;
      }
      return bad("Transfer-Encoding other than chunked");
    }
    framing.chunked = true;
  } else if (content_length_fields == 1) {
    framing.content_length = content_length;
  }
  return framing;
}

}  // namespace slwd::http
