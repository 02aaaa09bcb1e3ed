#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "slwd/events/event.hpp"
#include "slwd/events/json_depth.hpp"

namespace slwd::events {
namespace {

TEST(SampleBody, EveryKnownTypeParsesBackToItsType) {
  for (std::string_view type : known_event_types()) {
    const auto body = sample_body(type);
    ASSERT_TRUE(body.has_value()) << type;
    ParseResult r = parse_event(*body);
    ASSERT_TRUE(r.event.has_value()) << type << ": " << r.error;
    EXPECT_EQ(r.event->common.event_type, type);
    EXPECT_FALSE(std::holds_alternative<UnknownEvent>(r.event->detail)) << type;
    // Current generation: no deprecated names, a campaign, and a time.
    EXPECT_EQ(r.event->common.campaign_id.has_value(), type != "UNTRACKED_REPLIES") << type;
    EXPECT_TRUE(r.event->common.timestamp.has_value()) << type;
    EXPECT_EQ(r.event->common.secret_key, std::nullopt) << type;
    for (const char* old :
         {"\"preview_text\"", "\"reply_body\"", "\"lead_email\"", "\"time_replied\"",
          "\"time_sent\"", "\"link_clicked\"", "\"custom_subject\"", "\"ui_master_inbox_link\""}) {
      EXPECT_EQ(body->find(old), std::string::npos) << type << " has " << old;
    }
    // Compact: what SmartLead sends, and what `send` posts byte for byte.
    EXPECT_EQ(compact_json(*body), *body) << type;
  }
}

TEST(SampleBody, LeadFieldsWhereTheTypeHasALead) {
  for (std::string_view type : known_event_types()) {
    if (type == "CAMPAIGN_STATUS_CHANGED" || type == "UNTRACKED_REPLIES") continue;
    const Event e = *parse_event(*sample_body(type)).event;
    EXPECT_TRUE(e.common.lead_email.has_value()) << type;
    EXPECT_TRUE(e.common.lead_name.has_value()) << type;
  }
}

TEST(SampleBody, TypedFieldsArePopulated) {
  const Event reply = *parse_event(*sample_body("EMAIL_REPLY")).event;
  EXPECT_TRUE(std::get<EmailReply>(reply.detail).reply.text.has_value());
  const Event click = *parse_event(*sample_body("EMAIL_LINK_CLICK")).event;
  EXPECT_FALSE(std::get<EmailLinkClick>(click.detail).links.empty());
  const Event bounce = *parse_event(*sample_body("EMAIL_BOUNCE")).event;
  EXPECT_TRUE(std::get<EmailBounce>(bounce.detail).bounce.text.has_value());
  const Event cat = *parse_event(*sample_body("LEAD_CATEGORY_UPDATED")).event;
  EXPECT_EQ(cat.common.category, "Interested");
  const Event status = *parse_event(*sample_body("CAMPAIGN_STATUS_CHANGED")).event;
  EXPECT_EQ(std::get<CampaignStatusChanged>(status.detail).new_status, "PAUSED");
}

TEST(SampleBody, AliasesAndUnknown) {
  EXPECT_EQ(sample_body("EMAIL_REPLIED"), sample_body("EMAIL_REPLY"));
  EXPECT_EQ(sample_body("NOT_A_TYPE"), std::nullopt);
  EXPECT_EQ(sample_body(""), std::nullopt);
}

TEST(CompactJson, StripsWhitespaceOutsideStringsOnly) {
  EXPECT_EQ(compact_json(" { \"a b\" : [ 1 , 2 ,\n\t\r 3 ] , \"c\" : \" x  y \" } "),
            R"({"a b":[1,2,3],"c":" x  y "})");
}

TEST(CompactJson, EscapedQuotesAndBackslashes) {
  EXPECT_EQ(compact_json(R"({ "a" : "q\" } ", "b" : "\\" , "c" : "\\\" {" })"),
            R"({"a":"q\" } ","b":"\\","c":"\\\" {"})");
}

TEST(CompactJson, AlreadyCompactIsUnchangedAndBomDropped) {
  const std::string compact = R"({"event_type":"EMAIL_OPEN","n":[1,{"x":null}]})";
  EXPECT_EQ(compact_json(compact), compact);
  EXPECT_EQ(compact_json("\xEF\xBB\xBF{ }"), "{}");
  EXPECT_EQ(compact_json(""), "");
}

TEST(CompactJson, MatchesParserOnFixtureLikeInput) {
  const std::string pretty =
      "{\n  \"event_type\": \"EMAIL_REPLY\",\n  \"reply_message\": {\n"
      "    \"text\": \"Hi,\\n  see you\\tthen\"\n  },\n  \"n\": -1.5e3\n}\n";
  const std::string compact = compact_json(pretty);
  EXPECT_EQ(
      compact,
      R"({"event_type":"EMAIL_REPLY","reply_message":{"text":"Hi,\n  see you\tthen"},"n":-1.5e3})");
  EXPECT_EQ(nlohmann::json::parse(compact), nlohmann::json::parse(pretty));
}

TEST(JsonDepth, CountsLevels) {
  EXPECT_TRUE(json_depth_within("{}", 1));
  EXPECT_FALSE(json_depth_within("{\"a\":[]}", 1));
  EXPECT_TRUE(json_depth_within("{\"a\":[]}", 2));
  EXPECT_TRUE(json_depth_within("[][][]", 1));  // siblings don't add up
  EXPECT_TRUE(json_depth_within(R"({"a":"[[[[\\"}", 1));
  EXPECT_TRUE(json_depth_within(R"("\)",
                                1));            // truncated escape: the parser's problem
  EXPECT_TRUE(json_depth_within("]]]]{}", 1));  // stray closers don't go negative
}

}  // namespace
}  // namespace slwd::events
