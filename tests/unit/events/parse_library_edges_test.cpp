// Where simdjson (the body parser) and nlohmann (whose verdict the contract was written against)
// differ: duplicate keys, integers beyond 64 bits, surrogates, a BOM, and the error texts that
// only nlohmann can give. Each case is one a user would see change if the two drifted apart.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "parse_ok.hpp"
#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

using testing::parse_ok;

std::string reason(std::string_view body) {
  ParseResult r = parse_event(body);
  EXPECT_FALSE(r.event.has_value()) << "accepted: " << body;
  return r.error;
}

std::string open_with(std::string_view member) {
  return std::string(R"({"event_type":"EMAIL_OPEN",)") + std::string(member) + "}";
}

TEST(DuplicateKeys, LastWinsAtTopLevel) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_OPEN","to_email":"first@x.example",
    "campaign_id":"1","to_email":"last@x.example","campaign_id":2,"secret_key":"a","secret_key":"b"})");
  EXPECT_EQ(e.common.lead_email, "last@x.example");
  EXPECT_EQ(e.common.campaign_id, "2");
  EXPECT_EQ(e.common.secret_key, "b");
}

TEST(DuplicateKeys, LastNullOrWrongTypeHidesEarlierValue) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_OPEN","campaign_id":5,"campaign_id":null,
    "to_email":"a@x.example","to_email":7,"secret_key":"s","secret_key":false})");
  EXPECT_EQ(e.common.campaign_id, std::nullopt);
  EXPECT_EQ(e.common.lead_email, std::nullopt);
  EXPECT_EQ(e.common.secret_key, std::nullopt);
  // The type key too: a later non-string event_type leaves the next key to name the type.
  EXPECT_EQ(parse_ok(R"({"event_type":"EMAIL_OPEN","event":"EMAIL_SENT","event_type":1})")
                .common.event_type,
            "EMAIL_SENT");
}

TEST(DuplicateKeys, LastWinsInNestedObjects) {
  const Event e = parse_ok(R"({"event_type":"LEAD_CATEGORY_UPDATED",
    "lead_category":{"new_name":"Old","new_name":"Interested","new_id":1,"new_id":9},
    "lead_data":{"email":"gone@x.example"},"lead_data":{"first_name":"Ann"}})");
  EXPECT_EQ(e.common.category, "Interested");
  EXPECT_EQ(std::get<LeadCategoryUpdated>(e.detail).category_id, "9");
  // The whole later object replaces the earlier one: its email is not merged in.
  EXPECT_EQ(e.common.lead_email, std::nullopt);
  EXPECT_EQ(e.common.lead_name, "Ann");
}

TEST(DuplicateKeys, LastEnvelopeDataWins) {
  const Event e = parse_ok(R"({"type":"EMAIL_OPEN","data":{"campaign_id":1},
    "data":{"campaign_id":2,"campaign_id":3}})");
  EXPECT_EQ(e.common.campaign_id, "3");
}

TEST(Numbers, IntegersBeyondSixtyFourBitsAreDoubles) {
  // nlohmann reads these as doubles, too large to be ids; the rest of the body still counts.
  const Event e = parse_ok(R"({"event_type":"EMAIL_SENT","campaign_id":123456789012345678901234567890,
    "sl_email_lead_id":18446744073709551616,"client_id":-9223372036854775809,
    "to_email":"caf\u00e9@x.example","stats_id":"s-1"})");
  EXPECT_EQ(e.common.campaign_id, std::nullopt);
  EXPECT_EQ(e.common.lead_email, "caf\xC3\xA9@x.example");
  const auto& sent = std::get<EmailSent>(e.detail);
  EXPECT_EQ(sent.email.lead_id, std::nullopt);
  EXPECT_EQ(sent.email.client_id, std::nullopt);
  EXPECT_EQ(sent.email.stats_id, "s-1");
}

TEST(Numbers, SixtyFourBitEdgesStayExact) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_SENT","campaign_id":-9223372036854775808,
    "sl_email_lead_id":18446744073709551615,"client_id":9007199254740993,
    "sequence_number":9223372036854775808,"big":123456789012345678901234567890})");
  EXPECT_EQ(e.common.campaign_id, "-9223372036854775808");
  const auto& sent = std::get<EmailSent>(e.detail);
  EXPECT_EQ(sent.email.lead_id, "18446744073709551615");
  EXPECT_EQ(sent.email.client_id, "9007199254740993");  // not rounded through a double
  EXPECT_EQ(sent.email.sequence_number, std::nullopt);  // beyond int64
}

TEST(Numbers, IntegralFloatsAndNegativeZero) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_SENT","campaign_id":-0,"client_id":-0.0,
    "sequence_number":4.0e0,"stats_id":1e19})");
  EXPECT_EQ(e.common.campaign_id, "0");
  const auto& sent = std::get<EmailSent>(e.detail);
  EXPECT_EQ(sent.email.client_id, "0");
  EXPECT_EQ(sent.email.sequence_number, 4);
  EXPECT_EQ(sent.email.stats_id, std::nullopt);  // integral, but beyond exact doubles
}

TEST(Numbers, OutOfDoubleRangeAnywhere) {
  EXPECT_EQ(reason(open_with(R"("n":[1,{"m":-1e400}])")), "number out of range");
  EXPECT_EQ(reason(open_with(R"("n":1.7976931348623157e309)")), "number out of range");
  // Underflow is not an error: it reads as 0, as strtod gives.
  EXPECT_EQ(parse_ok(R"({"event_type":"EMAIL_OPEN","campaign_id":1e-400})").common.campaign_id, "0");
}

TEST(Surrogates, LoneEscapesRefusedWithNlohmannsByte) {
  // 1-based: the lone low half's last hex digit; the byte after a high half that isn't "\u".
  EXPECT_EQ(reason(R"({"t":"\udc00"})"), "invalid unicode escape at byte 12");
  EXPECT_EQ(reason(R"({"t":"\ud800"})"), "invalid unicode escape at byte 13");
  for (const char* bad : {R"("\ud800x")", R"("\ud800\u0041")", R"("\ud800\ud800")",
                          R"("\uDBFF")", R"("\uDFFF\uD800")"}) {
    const std::string body = open_with(std::string(R"("to_email":)") + bad);
    EXPECT_EQ(reason(body).rfind("invalid unicode escape at byte ", 0), 0u) << body;
  }
}

TEST(Surrogates, PairsDecodeInValuesAndKeys) {
  const Event e = parse_ok(R"({"event\u005ftype":"EMAIL_OPEN","to_email":"\ud83d\ude00@x.example",
    "campaign_name":"\uDBFF\uDFFF"})");
  EXPECT_EQ(e.common.event_type, "EMAIL_OPEN");
  EXPECT_EQ(e.common.lead_email, "\xF0\x9F\x98\x80@x.example");
  EXPECT_EQ(e.common.campaign_name, "\xF4\x8F\xBF\xBF");
}

TEST(Strings, EscapedNulKeptInsideValue) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_OPEN","to_email":"a\u0000b"})");
  EXPECT_EQ(e.common.lead_email, std::string("a\0b", 3));
}

TEST(Strings, InvalidUtf8RefusedWithItsByte) {
  EXPECT_EQ(reason("{\"t\":\"\xC0\xAF\"}"), "invalid UTF-8 at byte 7");        // overlong
  EXPECT_EQ(reason("{\"t\":\"\xED\xA0\x80\"}"), "invalid UTF-8 at byte 8");    // encoded surrogate
  EXPECT_EQ(reason("{\"t\":\"\xF4\x90\x80\x80\"}"), "invalid UTF-8 at byte 8"); // above U+10FFFF
  // Outside a string any such byte is simply not JSON.
  EXPECT_EQ(reason("{\"t\":\"ok\"}\xC3"), "not valid JSON at byte 11");
}

TEST(Strings, RawControlCharactersRefusedButDelAccepted) {
  EXPECT_EQ(reason("{\"t\":\"a\tb\"}"), "not valid JSON at byte 8");
  EXPECT_EQ(reason("{\"t\":\"a\x01" "b\"}"), "not valid JSON at byte 8");
  EXPECT_EQ(reason("{\"t\":\"a\nb\"}"), "not valid JSON at byte 8");
  EXPECT_EQ(parse_ok("{\"event_type\":\"EMAIL_OPEN\",\"to_email\":\"a\x7F" "b\"}").common.lead_email,
            "a\x7F" "b");
}

TEST(Structure, TrailingDataAndStrayWhitespaceRefused) {
  const std::string open = R"({"event_type":"EMAIL_OPEN"})";  // 27 bytes
  EXPECT_EQ(reason(open + "x"), "not valid JSON at byte 28");
  EXPECT_EQ(reason(open + " {}"), "not valid JSON at byte 29");
  EXPECT_EQ(reason(open + "\f"), "not valid JSON at byte 28");
  EXPECT_EQ(reason("\f" + open), "not valid JSON at byte 1");
  EXPECT_EQ(reason(open + "\v"), "not valid JSON at byte 28");
}

TEST(Structure, LeadingBomAcceptedOnceAndOnlyFirst) {
  const Event e = parse_ok("\xEF\xBB\xBF{\"event_type\":\"EMAIL_OPEN\",\"campaign_id\":7,"
                           "\"campaign_id\":8,\"to_email\":\"\\u00e9@x.example\"}");
  EXPECT_EQ(e.common.campaign_id, "8");
  EXPECT_EQ(e.common.lead_email, "\xC3\xA9@x.example");
  EXPECT_EQ(reason("\xEF\xBB\xBF[1]"), "not a JSON object");
  EXPECT_EQ(reason("\xEF\xBB\xBF" "123456789012345678901234567890"), "not a JSON object");
  EXPECT_EQ(reason("\xEF\xBB\xBF{}"), "no event type");
  EXPECT_FALSE(parse_event("\xEF\xBB\xBF\xEF\xBB\xBF{\"event_type\":\"EMAIL_OPEN\"}").event);
  EXPECT_FALSE(parse_event(" \xEF\xBB\xBF{\"event_type\":\"EMAIL_OPEN\"}").event);
}

TEST(LargeBodies, ParsedAndFollowedByOrdinaryOnes) {
  // Beyond the size the per-thread parser keeps buffers for: a parser of its own, same result.
  const std::string text(300 * 1024, 'x');
  const Event big = parse_ok(R"({"event_type":"EMAIL_REPLY","campaign_id":1,"preview_text":")" +
                             text + R"(","campaign_id":2})");
  EXPECT_EQ(big.common.campaign_id, "2");
  EXPECT_EQ(std::get<EmailReply>(big.detail).reply.text, text);
  EXPECT_EQ(parse_ok(R"({"event_type":"EMAIL_OPEN","campaign_id":3})").common.campaign_id, "3");
  // Unterminated string: refused at the end of input, one past the last byte.
  const std::string unterminated = R"({"event_type":"EMAIL_OPEN","t":")" + text + "}";
  EXPECT_EQ(reason(unterminated), "not valid JSON at byte " + std::to_string(unterminated.size() + 1));
}

TEST(Threads, EachThreadParsesItsOwnBodies) {
  // The reusable parser is per thread: concurrent parses never see each other's documents.
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 500; ++i) {
        const std::string id = std::to_string(t * 1000 + i);
        const auto r = parse_event(R"({"event_type":"EMAIL_OPEN","campaign_id":)" + id +
                                   R"(,"pad":")" + std::string(static_cast<std::size_t>(i), 'p') + "\"}");
        if (!r.event || r.event->common.campaign_id != id) ++wrong[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace slwd::events
