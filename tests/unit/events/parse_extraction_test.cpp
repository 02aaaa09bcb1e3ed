// Ingest parses with Extraction::common_only (src/http/receiver.cpp): it must accept and refuse
// exactly what the full parse does, with the same reasons and the same Common fields, and only
// leave the typed detail out.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

void expect_same_common(const Common& a, const Common& b) {
  EXPECT_EQ(a.event_type, b.event_type);
  EXPECT_EQ(a.campaign_id, b.campaign_id);
  EXPECT_EQ(a.campaign_name, b.campaign_name);
  EXPECT_EQ(a.lead_email, b.lead_email);
  EXPECT_EQ(a.lead_name, b.lead_name);
  EXPECT_EQ(a.category, b.category);
  EXPECT_EQ(a.timestamp, b.timestamp);
  EXPECT_EQ(a.secret_key, b.secret_key);
}

TEST(ParseExtraction, CommonOnlyHasEveryCommonFieldOfTheFullParseAndNoDetail) {
  for (auto type : known_event_types()) {
    SCOPED_TRACE(std::string(type));
    const auto body = sample_body(type);
    ASSERT_TRUE(body.has_value());
    const ParseResult full = parse_event(*body);
    const ParseResult common = parse_event(*body, Extraction::common_only);
    ASSERT_TRUE(full.event.has_value()) << full.error;
    ASSERT_TRUE(common.event.has_value()) << common.error;
    expect_same_common(common.event->common, full.event->common);
    EXPECT_FALSE(std::holds_alternative<UnknownEvent>(full.event->detail));
    EXPECT_TRUE(std::holds_alternative<UnknownEvent>(common.event->detail));
  }
}

TEST(ParseExtraction, CommonOnlyRefusesWhatTheFullParseRefusesForTheSameReason) {
  const std::string bodies[] = {"",
                                "[1,2]",
                                R"({"campaign_id": 1})",
                                R"({"event_type": "EMAIL_SENT",})",
                                "{\"event_type\": \"EMAIL_SENT\", \"x\": \"\xC3\x28\"}",
                                R"({"event_type": "EMAIL_SENT", "n": 1e400})"};
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    const ParseResult full = parse_event(body);
    const ParseResult common = parse_event(body, Extraction::common_only);
    EXPECT_FALSE(full.event.has_value());
    EXPECT_FALSE(common.event.has_value());
    EXPECT_FALSE(full.error.empty());
    EXPECT_EQ(common.error, full.error);
  }
}

}  // namespace
}  // namespace slwd::events
