// The public port renders its answers by hand (src/http/response_bytes.cpp) instead of through
// Beast's serializer. A client must not be able to tell: every answer the receiver can give, in
// both HTTP versions, with and without keep-alive, is byte for byte what Beast writes.
#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "../../../src/http/response_bytes.hpp"

namespace slwd::http {
namespace {

namespace bhttp = boost::beast::http;

// What the session wrote before: a Beast response built field by field, then serialized.
std::string beast_bytes(const Response& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> m;
  m.version(version == 10 ? 10 : 11);
  m.result(r.status);
  for (const auto& [name, value] : r.headers) m.set(name, value);
  if (!r.body.empty()) m.set(bhttp::field::content_type, "application/json");
  m.body() = r.body;
  m.keep_alive(keep_alive);
  m.prepare_payload();
  std::ostringstream out;
  out << m;
  return out.str();
}

std::vector<Response> every_answer() {
  return {responses::received(),
          responses::already_processed(),
          responses::not_found(),
          responses::method_not_allowed(),
          responses::payload_too_large(),
          responses::invalid_signature(),
          responses::invalid_payload("not valid JSON at byte 3"),
          responses::unavailable(),
          responses::framing_error(400),
          responses::framing_error(431),
          responses::framing_error(501)};
}

TEST(ResponseBytes, EveryAnswerIsWhatBeastWrites) {
  for (const Response& r : every_answer()) {
    for (unsigned version : {10u, 11u}) {
      for (bool keep_alive : {true, false}) {
        SCOPED_TRACE(std::to_string(r.status) + " HTTP/" + (version == 10 ? "1.0" : "1.1") +
                     (keep_alive ? " keep-alive" : " close"));
        EXPECT_EQ(render_response(r, version, keep_alive), beast_bytes(r, version, keep_alive));
      }
    }
  }
}

TEST(ResponseBytes, AcceptedAnswerOnAKeptAliveConnection) {
  EXPECT_EQ(render_response(responses::received(), 11, true),
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 17\r\n"
            "\r\n"
            R"({"received":true})");
}

TEST(ResponseBytes, ExtraHeadersComeFirstAndAnEmptyBodyStillHasALength) {
  Response r;
  r.status = 503;
  r.headers = {{"Retry-After", "60"}};
  EXPECT_EQ(render_response(r, 10, false),
            "HTTP/1.0 503 Service Unavailable\r\n"
            "Retry-After: 60\r\n"
            "Content-Length: 0\r\n"
            "\r\n");
}

}  // namespace
}  // namespace slwd::http
