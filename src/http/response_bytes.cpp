#include "response_bytes.hpp"

#include <boost/beast/http/status.hpp>
#include <charconv>
#include <string_view>

namespace slwd::http {
namespace {

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string render_response(const Response& response, unsigned version, bool keep_alive) {
  const bool http10 = version == 10;
  std::string out;
  out.reserve(128 + response.body.size());
  out.append(http10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(out, response.status);
  out.push_back(' ');
  out.append(boost::beast::http::obsolete_reason(
      static_cast<boost::beast::http::status>(response.status)));
  out.append("\r\n");
  for (const auto& [name, value] : response.headers) append_field(out, name, value);
  if (!response.body.empty()) append_field(out, "Content-Type", "application/json");
  // HTTP/1.1 is persistent unless told; HTTP/1.0 closes unless told.
  if (http10 && keep_alive) append_field(out, "Connection", "keep-alive");
  if (!http10 && !keep_alive) append_field(out, "Connection", "close");
  // Always, as prepare_payload does: even "0" tells the client where this answer ends.
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  out.append("\r\n");
  out.append("\r\n");
  out.append(response.body);
  return out;
}

}  // namespace slwd::http
