// The request head through Beast's parser (request line and field syntax), reduced to the
// plain RequestHead the receiver decides on. Framing has already been checked (framing.cpp).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "slwd/http/framing.hpp"
#include "slwd/http/request.hpp"

namespace slwd::http {
namespace {

namespace bhttp = boost::beast::http;

template <class Fields>
std::optional<std::string> first_field(const Fields& fields, std::string_view name) {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return std::string(it->value());
}

// Repeated X-Forwarded-For lines are one list (RFC 9110 §5.3); keeping only one of them would
// let a client hide hops from the "last untrusted hop" rule.
template <class Fields>
std::optional<std::string> joined_field(const Fields& fields, std::string_view name) {
  auto [it, end] = fields.equal_range(name);
  if (it == end) return std::nullopt;
  std::string joined(it->value());
  for (++it; it != end; ++it) {
    joined += ", ";
    joined += it->value();
  }
  return joined;
}

}  // namespace

std::optional<RequestHead> parse_head(std::string_view head) {
  bhttp::request_parser<bhttp::empty_body> parser;
  // The session enforces kMaxHeadBytes before the terminating blank line (431); this limit
  // only has to admit every head it lets through.
  parser.header_limit(static_cast<std::uint32_t>(kMaxHeadBytes + 4));
  // Content-Length against max_body is the receiver's decision (413), not a parse error.
  parser.body_limit(boost::none);
  parser.eager(false);

  boost::beast::error_code ec;
  parser.put(boost::asio::const_buffer(head.data(), head.size()), ec);
  if (ec || !parser.is_header_done()) return std::nullopt;

  const auto& req = parser.get();
  RequestHead out;
  const unsigned version = req.version();
  if (version / 10 != 1) return std::nullopt;  // HTTP/1.x only on this port
  out.version = version == 10 ? 10 : 11;       // a later 1.x minor is answered as 1.1
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.keep_alive = parser.keep_alive();
  out.chunked = parser.chunked();
  if (const auto length = parser.content_length()) out.content_length = *length;
  out.request_id = first_field(req, "X-Request-Id");
  out.signature = first_field(req, "X-Smartlead-Signature");
  out.level = first_field(req, "X-Webhook-Level");
  out.forwarded_for = joined_field(req, "X-Forwarded-For");
  return out;
}

}  // namespace slwd::http
