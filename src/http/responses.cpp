// The canned answers of SPEC §4. Content-Type is not set here: the session adds
// `Content-Type: application/json` to every answer whose body is not empty.
#include <cstdint>

#include "slwd/http/request.hpp"

namespace slwd::http::responses {
namespace {

Response json(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlongs, surrogates
// and code points above U+10FFFF included), so the answer is always valid JSON text.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len;
  std::uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

// JSON string contents for `text`; invalid UTF-8 becomes U+FFFD.
void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t len = utf8_sequence(text, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.data() + i, len);
        i += len;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

}  // namespace

Response not_found() {
  return json(404, R"({"error":"not found"})");
}

Response method_not_allowed() {
  Response r = json(405, R"({"error":"method not allowed"})");
  r.headers.emplace_back("Allow", "POST");
  return r;
}

Response payload_too_large() {
  Response r = json(413, R"({"error":"payload too large"})");
  r.close = true;  // the rest of the body is not read, so the stream cannot be reused
  return r;
}

Response invalid_signature() {
  return json(401, R"({"error":"invalid signature"})");
}

Response invalid_payload(std::string_view reason) {
  std::string body = R"({"error":"invalid payload: )";
  body.reserve(body.size() + reason.size() + 2);
  append_json_escaped(body, reason);
  body += "\"}";
  return json(400, std::move(body));
}

Response unavailable() {
  Response r = json(503, R"({"error":"temporarily unavailable"})");
  r.headers.emplace_back("Retry-After", "60");
  return r;
}

Response already_processed() {
  return json(200, R"({"status":"already_processed"})");
}

Response received() {
  return json(200, R"({"received":true})");
}

Response framing_error(unsigned status) {
  Response r;
  r.status = status;
  r.close = true;  // row 1/2: nothing behind a broken head can be trusted
  return r;
}

}  // namespace slwd::http::responses
