// SPEC §4 row 7: what is not an acceptable body, and the reason given for it.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

std::string read_fixture(const std::string& rel) {
  std::ifstream in(std::string(SLWD_FIXTURES_DIR) + "/events/" + rel, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string reason(std::string_view body) {
  ParseResult r = parse_event(body);
  EXPECT_FALSE(r.event.has_value()) << "accepted: " << body;
  EXPECT_FALSE(r.error.empty());
  return r.error;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// A body nested `depth` levels deep in total (the top-level object is level 1), through arrays.
std::string nested_arrays(std::size_t depth) {
  std::string s = R"({"event_type":"EMAIL_OPEN","x":)";
  s.append(depth - 1, '[');
  s.append(depth - 1, ']');
  return s + '}';
}

// The same through objects: {"event_type":..,"a":{"a":{...{}}}}.
std::string nested_objects(std::size_t depth) {
  std::string s = R"({"event_type":"EMAIL_OPEN","a":)";
  for (std::size_t i = 2; i < depth; ++i) s += R"({"a":)";
  s += "{}";
  s.append(depth - 2, '}');
  return s + '}';
}

TEST(ParseInvalid, Fixtures) {
  struct Case {
    const char* file;
    const char* reason_prefix;
  };
  const Case cases[] = {
      {"invalid/nan.json", "not valid JSON at byte "},
      {"invalid/infinity.json", "not valid JSON at byte "},
      {"invalid/trailing_data.json", "not valid JSON at byte "},
      {"invalid/single_quotes.json", "not valid JSON at byte "},
      {"invalid/trailing_comma_object.json", "not valid JSON at byte "},
      {"invalid/trailing_comma_array.json", "not valid JSON at byte "},
      {"invalid/comment.json", "not valid JSON at byte "},
      {"invalid/unquoted_key.json", "not valid JSON at byte "},
      {"invalid/truncated.json", "not valid JSON at byte "},
      {"invalid/invalid_utf8.json", "invalid UTF-8 at byte "},
      {"invalid/overlong_utf8.json", "invalid UTF-8 at byte "},
      {"invalid/lone_surrogate.json", "invalid unicode escape at byte "},
      {"invalid/top_level_array.json", "not a JSON object"},
      {"invalid/top_level_string.json", "not a JSON object"},
      {"invalid/no_event_type.json", "no event type"},
      {"invalid/event_type_not_string.json", "no event type"},
      {"invalid/too_deep.json", "nesting deeper than 64"},
  };
  for (const Case& c : cases) {
    const std::string body = read_fixture(c.file);
    ASSERT_FALSE(body.empty()) << c.file;
    EXPECT_TRUE(starts_with(reason(body), c.reason_prefix))
        << c.file << ": " << parse_event(body).error;
  }
}

TEST(ParseInvalid, ReasonNamesTheByte) {
  // The stray comma's closing brace is the 28th byte (1-based, as the parser counts).
  EXPECT_EQ(reason(R"({"event_type":"EMAIL_OPEN",})"), "not valid JSON at byte 28");
}

TEST(ParseInvalid, EmptyAndWhitespaceBodies) {
  EXPECT_EQ(reason(""), "empty body");
  EXPECT_TRUE(starts_with(reason("   \n"), "not valid JSON at byte "));
}

TEST(ParseInvalid, OtherTopLevelValues) {
  for (const char* body : {"null", "true", "42", "[]", R"("x")"}) {
    EXPECT_EQ(reason(body), "not a JSON object") << body;
  }
}

TEST(ParseInvalid, NumbersOutsideTheGrammar) {
  for (const char* v : {"NaN", "-Infinity", "01", "+1", "0x10", ".5", "1.", "1e"}) {
    const std::string body = std::string(R"({"event_type":"EMAIL_OPEN","n":)") + v + "}";
    EXPECT_TRUE(starts_with(reason(body), "not valid JSON")) << body;
  }
}

TEST(ParseInvalid, NumberBeyondDoubleRange) {
  EXPECT_EQ(reason(R"({"event_type":"EMAIL_OPEN","n":1e400})"), "number out of range");
}

TEST(ParseInvalid, ControlCharacterInString) {
  const std::string body = "{\"event_type\":\"EMAIL_OPEN\",\"t\":\"a\tb\"}";
  EXPECT_TRUE(starts_with(reason(body), "not valid JSON"));
}

TEST(ParseInvalid, NulByteAfterObjectIsTrailingData) {
  const std::string body("{\"event_type\":\"EMAIL_OPEN\"}\0", 28);
  ASSERT_EQ(body.back(), '\0');
  EXPECT_EQ(reason(body), "not valid JSON at byte 28");
  EXPECT_EQ(reason(std::string("{\"event_type\":\"EMAIL_OPEN\"}\0{\"x\":1}", 35)),
            "not valid JSON at byte 28");
}

TEST(ParseInvalid, NoUsableEventType) {
  EXPECT_EQ(reason("{}"), "no event type");
  EXPECT_EQ(reason(R"({"event_type":null})"), "no event type");
  EXPECT_EQ(reason(R"({"event_type":""})"), "no event type");
  EXPECT_EQ(reason(R"({"event":{"type":"EMAIL_OPEN"}})"), "no event type");
  EXPECT_EQ(reason(R"({"data":{"event_type":"EMAIL_OPEN"}})"), "no event type");
}

TEST(ParseDepth, SixtyFourLevelsAccepted) {
  EXPECT_TRUE(parse_event(nested_arrays(64)).event.has_value())
      << parse_event(nested_arrays(64)).error;
  EXPECT_TRUE(parse_event(nested_objects(64)).event.has_value());
}

TEST(ParseDepth, SixtyFiveLevelsRejected) {
  EXPECT_EQ(reason(nested_arrays(65)), "nesting deeper than 64");
  EXPECT_EQ(reason(nested_objects(65)), "nesting deeper than 64");
}

TEST(ParseDepth, ArraysAndObjectsCountAlike) {
  // 1 (top) + 32 arrays + 32 objects = 65.
  std::string body = R"({"event_type":"EMAIL_OPEN","x":)";
  for (int i = 0; i < 32; ++i) body += "[";
  for (int i = 0; i < 32; ++i) body += R"({"a":)";
  body += "1";
  for (int i = 0; i < 32; ++i) body += "}";
  for (int i = 0; i < 32; ++i) body += "]";
  body += "}";
  EXPECT_EQ(reason(body), "nesting deeper than 64");
}

TEST(ParseDepth, BracketsInsideStringsDontCount) {
  std::string deep_text(200, '[');
  deep_text += R"(\"[[[{{{)";
  const std::string body = R"({"event_type":"EMAIL_OPEN","t":")" + deep_text + R"("})";
  EXPECT_TRUE(parse_event(body).event.has_value()) << parse_event(body).error;
}

TEST(ParseDepth, TenThousandLevelsRejectedFast) {
  const std::string body = std::string(10000, '[') + std::string(10000, ']');
  const std::string obj = R"({"event_type":"EMAIL_OPEN","x":)" + body + "}";
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(parse_event(obj).error, "nesting deeper than 64");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // 100 scans of 20 KB: well under a millisecond each even in a Debug/sanitizer build.
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
  // Unbalanced too: only openers, never closed.
  EXPECT_EQ(reason(std::string(10000, '{')), "nesting deeper than 64");
}

TEST(ParseStrict, DuplicateKeysLastWins) {
  ParseResult r = parse_event(
      R"({"event_type":"EMAIL_OPEN","campaign_id":1,"campaign_id":2,"event_type":"EMAIL_REPLY"})");
  ASSERT_TRUE(r.event.has_value()) << r.error;
  EXPECT_EQ(r.event->common.event_type, "EMAIL_REPLY");
  EXPECT_EQ(r.event->common.campaign_id, "2");
  EXPECT_TRUE(std::holds_alternative<EmailReply>(r.event->detail));
}

TEST(ParseStrict, ValidUtf8AndEscapesAccepted) {
  ParseResult r = parse_event(
      "{\"event_type\":\"EMAIL_REPLY\",\"to_name\":\"Zo\xC3\xAB \xF0\x9F\x98\x80\","
      "\"preview_text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\"\"}");
  ASSERT_TRUE(r.event.has_value()) << r.error;
  EXPECT_EQ(r.event->common.lead_name, "Zo\xC3\xAB \xF0\x9F\x98\x80");
  const auto& reply = std::get<EmailReply>(r.event->detail);
  EXPECT_EQ(reply.reply.text, "caf\xC3\xA9 \xF0\x9F\x98\x80 \"quoted\"");
}

TEST(ParseStrict, EdgesOfTheGrammar) {
  // Valid: escaped NUL, big integers, -0, exponent forms, a leading BOM (RFC 8259 §8.1 allows
  // a parser to ignore it).
  for (const char* ok : {R"({"event_type":"EMAIL_OPEN","t":"a\u0000b"})",
                         R"({"event_type":"EMAIL_OPEN","n":123456789012345678901234567890})",
                         R"({"event_type":"EMAIL_OPEN","n":[-0,1E+2,1e-2,0.5]})",
                         "\xEF\xBB\xBF{\"event_type\":\"EMAIL_OPEN\"}"}) {
    EXPECT_TRUE(parse_event(ok).event.has_value()) << ok << ": " << parse_event(ok).error;
  }
  // Invalid: UTF-8-encoded surrogate, form feed as whitespace, bad escape, 5-byte sequence.
  for (const char* bad :
       {"{\"event_type\":\"EMAIL_OPEN\",\"t\":\"\xED\xA0\x80\"}",
        "{\"event_type\":\"EMAIL_OPEN\"}\f", R"({"event_type":"EMAIL_OPEN","t":"\x"})",
        "{\"event_type\":\"EMAIL_OPEN\",\"t\":\"\xF8\x88\x80\x80\x80\"}"}) {
    EXPECT_FALSE(parse_event(bad).event.has_value()) << bad;
  }
}

TEST(ParseStrict, SurroundingWhitespaceAccepted) {
  EXPECT_TRUE(parse_event(" \r\n\t{\"event_type\":\"EMAIL_OPEN\"}\n ").event.has_value());
}

TEST(ParseStrict, NeverThrowsOnGarbage) {
  // Every prefix of a real body, and a few byte soups: no exception, a reason every time.
  const std::string body = read_fixture("current/LEAD_CATEGORY_UPDATED.json");
  for (std::size_t n = 0; n + 1 < body.size(); n += 7) {
    ParseResult r;
    EXPECT_NO_THROW(r = parse_event(std::string_view(body).substr(0, n)));
    EXPECT_FALSE(r.event.has_value());
    EXPECT_FALSE(r.error.empty());
  }
  for (const char* soup : {"\xFF\xFE{}", "{\"\\", "{\"a\":\"\\u12", "]]]]", "}{", "\"\\"}) {
    EXPECT_NO_THROW(parse_event(soup));
    EXPECT_FALSE(parse_event(soup).event.has_value()) << soup;
  }
}

}  // namespace
}  // namespace slwd::events
