#pragma once
// What the receiver needs to know of a request, and the answer it gives. Plain data, so the
// decision (receiver.hpp) is testable without sockets.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slwd::http {

struct RequestHead {
  std::string method;   // as sent, e.g. "POST"
  std::string target;   // request-target as sent (path plus optional ?query)
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;
  bool chunked = false;
  std::optional<std::uint64_t> content_length;
  std::optional<std::string> request_id;  // X-Request-Id
  std::optional<std::string> signature;   // X-Smartlead-Signature
  std::optional<std::string> level;       // X-Webhook-Level
  std::optional<std::string> forwarded_for;  // X-Forwarded-For
};

struct Response {
  unsigned status = 200;
  std::string body;  // JSON text, or empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, Retry-After)
  bool close = false;  // close the connection after writing
};

// Parses the head (already accepted by check_framing) with Beast's parser.
// nullopt when Beast rejects the request line or a field (answer 400 and close).
std::optional<RequestHead> parse_head(std::string_view head);

// The canned answers of SPEC §4, in one place.
namespace responses {
Response not_found();            // 404 {"error":"not found"}
Response method_not_allowed();   // 405 Allow: POST
Response payload_too_large();    // 413, close
Response invalid_signature();    // 401
Response invalid_payload(std::string_view reason);  // 400 {"error":"invalid payload: ..."}
Response unavailable();          // 503 Retry-After: 60
Response already_processed();    // 200 {"status":"already_processed"}
Response received();             // 200 {"received":true}
Response framing_error(unsigned status);  // 400/501/431, no body, close
}  // namespace responses

}  // namespace slwd::http
