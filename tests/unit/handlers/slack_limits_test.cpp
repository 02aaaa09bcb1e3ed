// Slack's Block Kit limits hold for whatever goes out: 3,000 per section, 50 blocks, 150 per
// header, 10 x 2,000 per fields, a bounded fallback text — truncated with "…", never split.
#include <gtest/gtest.h>

#include <string>

#include "../../../src/handlers/slack_limits.hpp"
#include "../../../src/handlers/slack_text.hpp"
#include "support/fake_slack.hpp"

namespace slwd::handlers::slack {
namespace {

using nlohmann::json;

json mrkdwn(std::string text) {
  return json{{"type", "mrkdwn"}, {"text", std::move(text)}};
}

json section_of(std::string text) {
  return json{{"type", "section"}, {"text", mrkdwn(std::move(text))}};
}

bool valid_utf8(const std::string& s) {
  return json(s).dump(-1, ' ', false, json::error_handler_t::strict).size() > 0;
}

const std::string kEllipsisText = "\xE2\x80\xA6";

std::string wide_text(std::size_t code_points) {
  std::string out;
  for (std::size_t i = 0; i < code_points; ++i) out += (i % 3 == 0) ? "\xC3\xA9" : "\xE2\x82\xAC";
  return out;
}

TEST(SlackLimits, SectionTextIsCutAt3000WithAnEllipsis) {
  json payload{{"text", "t"}, {"blocks", json::array({section_of(wide_text(5000))})}};
  fit_to_limits(payload);
  const std::string text = payload["blocks"][0]["text"]["text"];
  EXPECT_EQ(slack_length(text), 3000u);
  EXPECT_EQ(text.substr(text.size() - 3), kEllipsisText);
  EXPECT_TRUE(valid_utf8(text));
  EXPECT_EQ(test::FakeSlack::problem_with(payload.dump()), "");
}

TEST(SlackLimits, TextAtTheLimitIsLeftAlone) {
  const std::string exact = wide_text(3000);
  json payload{{"text", "t"}, {"blocks", json::array({section_of(exact)})}};
  fit_to_limits(payload);
  EXPECT_EQ(payload["blocks"][0]["text"]["text"], exact);
}

TEST(SlackLimits, AtMost50BlocksTheLastSayingMoreWasLeftOut) {
  json blocks = json::array();
  for (int i = 0; i < 60; ++i) blocks.push_back(section_of("block " + std::to_string(i)));
  json payload{{"text", "t"}, {"blocks", blocks}};
  fit_to_limits(payload);
  ASSERT_EQ(payload["blocks"].size(), 50u);
  EXPECT_EQ(payload["blocks"][48]["text"]["text"], "block 48");
  EXPECT_EQ(payload["blocks"][49]["type"], "context");
  EXPECT_EQ(payload["blocks"][49]["elements"][0]["text"], kEllipsisText);
  EXPECT_EQ(test::FakeSlack::problem_with(payload.dump()), "");

  json fifty = json::array();
  for (int i = 0; i < 50; ++i) fifty.push_back(section_of("b"));
  json exact{{"text", "t"}, {"blocks", fifty}};
  fit_to_limits(exact);
  EXPECT_EQ(exact["blocks"], fifty);
}

TEST(SlackLimits, HeaderFieldsAndContext) {
  json fields = json::array();
  for (int i = 0; i < 12; ++i) fields.push_back(mrkdwn(std::string(2500, 'f')));
  json elements = json::array();
  for (int i = 0; i < 12; ++i) elements.push_back(mrkdwn("c"));
  json payload{
      {"text", "t"},
      {"blocks",
       json::array({json{{"type", "header"},
                         {"text", {{"type", "plain_text"}, {"text", std::string(200, 'h')}}}},
                    json{{"type", "section"}, {"fields", fields}},
                    json{{"type", "context"}, {"elements", elements}}})}};
  fit_to_limits(payload);
  const std::string header = payload["blocks"][0]["text"]["text"];
  EXPECT_EQ(slack_length(header), 150u);
  EXPECT_EQ(header.substr(header.size() - 3), kEllipsisText);
  ASSERT_EQ(payload["blocks"][1]["fields"].size(), 10u);
  EXPECT_EQ(slack_length(payload["blocks"][1]["fields"][9]["text"].get<std::string>()), 2000u);
  EXPECT_EQ(payload["blocks"][2]["elements"].size(), 10u);
  EXPECT_EQ(test::FakeSlack::problem_with(payload.dump()), "");
}

TEST(SlackLimits, EmptySectionsAreDroppedAndTextIsAlwaysThere) {
  json payload{{"blocks", json::array({section_of(""), section_of("  "),
                                       json{{"type", "section"}, {"fields", json::array()}},
                                       json{{"type", "context"}, {"elements", json::array()}}})}};
  fit_to_limits(payload);
  EXPECT_FALSE(payload.contains("blocks"));
  EXPECT_EQ(payload["text"], "SmartLead event");
  EXPECT_EQ(test::FakeSlack::problem_with(payload.dump()), "");
}

TEST(SlackLimits, FallbackTextIsBoundedWithoutBreakingEntities) {
  json payload{{"text", escape_mrkdwn(std::string(5000, '<'))}};
  fit_to_limits(payload);
  std::string text = payload["text"];
  EXPECT_LE(slack_length(text), kMaxFallbackText);
  EXPECT_EQ(text.substr(text.size() - 3), kEllipsisText);
  text.resize(text.size() - 3);
  EXPECT_EQ(text.size() % 4, 0u);  // whole "&lt;" entities only
}

TEST(SlackLimits, NeverThrowsOnOddShapes) {
  for (const char* odd : {R"([])", R"({"blocks": 3})", R"({"blocks": [1, "x", null, {}]})",
                          R"({"text": 5, "blocks": [{"type": "section", "text": 5}]})",
                          R"({"blocks": [{"type": "section", "fields": "x"}]})",
                          R"({"blocks": [{"type": "divider"}]})"}) {
    json payload = json::parse(odd);
    EXPECT_NO_THROW(fit_to_limits(payload)) << odd;
    EXPECT_TRUE(payload["text"].is_string()) << odd;
  }
}

}  // namespace
}  // namespace slwd::handlers::slack
