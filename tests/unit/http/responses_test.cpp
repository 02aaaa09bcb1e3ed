// The canned answers, byte for byte as SPEC §4 writes them.
#include <gtest/gtest.h>

#include "slwd/http/request.hpp"

namespace slwd::http {
namespace {

using namespace std::string_literals;

using Headers = std::vector<std::pair<std::string, std::string>>;

TEST(Responses, MatchTheSpec) {
  struct Case {
    Response r;
    unsigned status;
    std::string body;
    Headers headers;
    bool close;
  };
  const std::vector<Case> cases = {
      {responses::not_found(), 404, R"({"error":"not found"})", {}, false},
      {responses::method_not_allowed(),
       405,
       R"({"error":"method not allowed"})",
       {{"Allow", "POST"}},
       false},
      {responses::payload_too_large(), 413, R"({"error":"payload too large"})", {}, true},
      {responses::invalid_signature(), 401, R"({"error":"invalid signature"})", {}, false},
      {responses::invalid_payload("no event type"),
       400,
       R"({"error":"invalid payload: no event type"})",
       {},
       false},
      {responses::unavailable(),
       503,
       R"({"error":"temporarily unavailable"})",
       {{"Retry-After", "60"}},
       false},
      {responses::already_processed(), 200, R"({"status":"already_processed"})", {}, false},
      {responses::received(), 200, R"({"received":true})", {}, false},
      {responses::framing_error(400), 400, "", {}, true},
      {responses::framing_error(501), 501, "", {}, true},
      {responses::framing_error(431), 431, "", {}, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.r.status, c.status);
    EXPECT_EQ(c.r.body, c.body) << c.status;
    EXPECT_EQ(c.r.headers, c.headers) << c.status;
    EXPECT_EQ(c.r.close, c.close) << c.status;
  }
}

TEST(Responses, InvalidPayloadReasonIsJsonEscaped) {
  EXPECT_EQ(responses::invalid_payload(R"(bad "key" \ here)").body,
            R"({"error":"invalid payload: bad \"key\" \\ here"})");
  EXPECT_EQ(responses::invalid_payload(std::string("a\nb\tc\x01\x1f", 7)).body,
            R"({"error":"invalid payload: a\nb\tc\u0001\u001f"})");
  EXPECT_EQ(responses::invalid_payload("nul\0"s).body, R"({"error":"invalid payload: nul\u0000"})");
  // Valid UTF-8 passes through; invalid bytes become U+FFFD so the answer stays valid JSON.
  EXPECT_EQ(responses::invalid_payload("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80").body,
            "{\"error\":\"invalid payload: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}");
  EXPECT_EQ(responses::invalid_payload("x\xff\xc3").body,
            "{\"error\":\"invalid payload: x\xef\xbf\xbd\xef\xbf\xbd\"}");
  EXPECT_EQ(responses::invalid_payload("\xc0\xaf\xed\xa0\x80").body,  // overlong, surrogate
            "{\"error\":\"invalid payload: "
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"}");
}

}  // namespace
}  // namespace slwd::http
