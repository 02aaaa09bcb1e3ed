// Type resolution, aliases, and tolerance of the value shapes SmartLead actually sends.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "parse_ok.hpp"
#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

using testing::parse_ok;

TEST(EventNames, ElevenCanonicalTypes) {
  const auto& known = known_event_types();
  ASSERT_EQ(known.size(), 11u);
  const std::string_view expected[] = {
      "EMAIL_SENT",        "FIRST_EMAIL_SENT",      "EMAIL_OPEN",
      "EMAIL_LINK_CLICK",  "EMAIL_REPLY",           "EMAIL_BOUNCE",
      "LEAD_UNSUBSCRIBED", "LEAD_CATEGORY_UPDATED", "CAMPAIGN_STATUS_CHANGED",
      "UNTRACKED_REPLIES", "MANUAL_STEP_REACHED"};
  for (std::size_t i = 0; i < known.size(); ++i) {
    EXPECT_EQ(known[i], expected[i]);
    EXPECT_EQ(canonical_event_type(known[i]), known[i]);
  }
}

TEST(EventNames, Aliases) {
  EXPECT_EQ(canonical_event_type("EMAIL_REPLIED"), "EMAIL_REPLY");
  EXPECT_EQ(canonical_event_type("EMAIL_OPENED"), "EMAIL_OPEN");
  EXPECT_EQ(canonical_event_type("EMAIL_CLICKED"), "EMAIL_LINK_CLICK");
  EXPECT_EQ(canonical_event_type("EMAIL_BOUNCED"), "EMAIL_BOUNCE");
  EXPECT_EQ(canonical_event_type("EMAIL_UNSUBSCRIBED"), "LEAD_UNSUBSCRIBED");
  EXPECT_EQ(canonical_event_type("CAMPAIGN_STATUS_CHANGE"), "CAMPAIGN_STATUS_CHANGED");
}

TEST(EventNames, CaseInsensitiveButOtherwiseExact) {
  EXPECT_EQ(canonical_event_type("email_reply"), "EMAIL_REPLY");
  EXPECT_EQ(canonical_event_type("Email_Replied"), "EMAIL_REPLY");
  EXPECT_EQ(canonical_event_type("EMAIL_REPLY "), std::nullopt);
  EXPECT_EQ(canonical_event_type("EMAIL"), std::nullopt);
  EXPECT_EQ(canonical_event_type(""), std::nullopt);
  EXPECT_EQ(canonical_event_type("EMAIL_ACCOUNT_DISCONNECTED"), std::nullopt);
}

TEST(EventType, AliasesApplyToAllThreeKeys) {
  for (const char* key : {"event_type", "event", "type"}) {
    const std::string body = std::string("{\"") + key + R"(":"EMAIL_BOUNCED"})";
    const Event e = parse_ok(body);
    EXPECT_EQ(e.common.event_type, "EMAIL_BOUNCE") << key;
    EXPECT_TRUE(std::holds_alternative<EmailBounce>(e.detail)) << key;
  }
}

TEST(EventType, FirstStringWinsInKeyOrder) {
  EXPECT_EQ(parse_ok(R"({"type":"EMAIL_OPEN","event":"EMAIL_SENT","event_type":"EMAIL_REPLY"})")
                .common.event_type,
            "EMAIL_REPLY");
  EXPECT_EQ(parse_ok(R"({"type":"EMAIL_OPEN","event":"EMAIL_SENT"})").common.event_type,
            "EMAIL_SENT");
  // Not a string: skipped, not fatal.
  EXPECT_EQ(
      parse_ok(R"({"event_type":null,"event":{"x":1},"type":"EMAIL_OPEN"})").common.event_type,
      "EMAIL_OPEN");
  EXPECT_EQ(parse_ok(R"({"event_type":"","event":"EMAIL_SENT"})").common.event_type, "EMAIL_SENT");
}

TEST(EventType, UnknownTypeKeepsRawName) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_ACCOUNT_DISCONNECTED","campaign_id":9})");
  EXPECT_EQ(e.common.event_type, "EMAIL_ACCOUNT_DISCONNECTED");
  EXPECT_EQ(e.common.campaign_id, "9");
  EXPECT_TRUE(std::holds_alternative<UnknownEvent>(e.detail));
  EXPECT_TRUE(std::holds_alternative<UnknownEvent>(Event{}.detail));
}

TEST(EventType, LowercaseKnownNameIsCanonicalised) {
  const Event e = parse_ok(R"({"event_type":"email_reply"})");
  EXPECT_EQ(e.common.event_type, "EMAIL_REPLY");
  EXPECT_TRUE(std::holds_alternative<EmailReply>(e.detail));
}

TEST(Values, IdsAsNumbersOrStrings) {
  const Event a = parse_ok(
      R"({"event_type":"LEAD_CATEGORY_UPDATED","campaign_id":871234,"lead_id":"42",
          "lead_category":{"new_id":7,"old_id":"6","new_name":"Interested"}})");
  EXPECT_EQ(a.common.campaign_id, "871234");
  const auto& ca = std::get<LeadCategoryUpdated>(a.detail);
  EXPECT_EQ(ca.lead_id, "42");
  EXPECT_EQ(ca.category_id, "7");
  EXPECT_EQ(ca.old_category_id, "6");

  const Event b = parse_ok(R"({"event_type":"EMAIL_SENT","campaign_id":"871234","client_id":311.0,
                              "sequence_number":"3","sl_email_lead_id":18446744073709551615})");
  EXPECT_EQ(b.common.campaign_id, "871234");
  const auto& sb = std::get<EmailSent>(b.detail);
  EXPECT_EQ(sb.email.client_id, "311");  // an integral float is the same id
  EXPECT_EQ(sb.email.sequence_number, 3);
  EXPECT_EQ(sb.email.lead_id, "18446744073709551615");

  const Event c = parse_ok(R"({"event_type":"EMAIL_SENT","campaign_id":-5,"client_id":1.5,
                              "sequence_number":"3a"})");
  EXPECT_EQ(c.common.campaign_id, "-5");
  EXPECT_EQ(std::get<EmailSent>(c.detail).email.client_id, std::nullopt);
  EXPECT_EQ(std::get<EmailSent>(c.detail).email.sequence_number, std::nullopt);
}

TEST(Values, NullsAndWrongTypesTolerated) {
  const Event e = parse_ok(R"({
    "event_type":"EMAIL_REPLY","campaign_id":null,"campaign_name":null,"to_email":null,
    "lead_email":"fallback@lead.example","to_name":42,"lead_name":null,
    "event_timestamp":null,"time_replied":"2024-01-01T00:00:00Z",
    "reply_message":null,"preview_text":"old text","reply_body":["not","a","string"],
    "sequence_number":null,"sent_message":"not an object","secret_key":null,
    "lead_category":{"new_name":null},"category":"Interested"})");
  EXPECT_EQ(e.common.campaign_id, std::nullopt);
  EXPECT_EQ(e.common.campaign_name, std::nullopt);
  EXPECT_EQ(e.common.lead_email, "fallback@lead.example");
  EXPECT_EQ(e.common.lead_name, std::nullopt);
  EXPECT_EQ(e.common.timestamp, "2024-01-01T00:00:00Z");
  EXPECT_EQ(e.common.secret_key, std::nullopt);
  EXPECT_EQ(e.common.category, "Interested");
  const auto& r = std::get<EmailReply>(e.detail);
  EXPECT_EQ(r.reply.text, "old text");
  EXPECT_EQ(r.reply.html, std::nullopt);
  EXPECT_EQ(r.email.sequence_number, std::nullopt);
  EXPECT_EQ(r.email.sent.html, std::nullopt);
}

TEST(Values, NewFieldWinsOverOld) {
  const Event e = parse_ok(R"({"event_type":"EMAIL_REPLY",
    "event_timestamp":"new-ts","time_replied":"old-ts","timestamp":"nested-ts",
    "to_email":"new@x.example","lead_email":"old@x.example","lead":{"email":"nested@x.example"},
    "to_name":"New Name","lead_name":"Old Name",
    "subject":"new subject","reply":{"subject":"nested subject","body":"nested body"},
    "reply_message":{"text":"new text","html":"new html"},"preview_text":"old text",
    "reply_body":"old html"})");
  EXPECT_EQ(e.common.timestamp, "new-ts");
  EXPECT_EQ(e.common.lead_email, "new@x.example");
  EXPECT_EQ(e.common.lead_name, "New Name");
  const auto& r = std::get<EmailReply>(e.detail);
  EXPECT_EQ(r.email.subject, "new subject");
  EXPECT_EQ(r.reply.text, "new text");
  EXPECT_EQ(r.reply.html, "new html");
}

TEST(Values, EmptyStringFallsBackToOlderField) {
  const Event e =
      parse_ok(R"({"event_type":"EMAIL_REPLY","to_email":"","lead_email":"old@x.example",
                              "reply_message":{"text":""},"preview_text":"old text"})");
  EXPECT_EQ(e.common.lead_email, "old@x.example");
  EXPECT_EQ(std::get<EmailReply>(e.detail).reply.text, "old text");
}

TEST(Values, LeadNameFromNestedParts) {
  EXPECT_EQ(parse_ok(R"({"event":"EMAIL_SENT","lead":{"first_name":"Ann","last_name":"Lee"}})")
                .common.lead_name,
            "Ann Lee");
  EXPECT_EQ(parse_ok(R"({"event":"EMAIL_SENT","lead":{"last_name":"Lee"}})").common.lead_name,
            "Lee");
  EXPECT_EQ(parse_ok(R"({"event_type":"LEAD_CATEGORY_UPDATED",
                        "lead_data":{"first_name":"Ann","last_name":"Lee","email":"ann@x.example"}})")
                .common.lead_email,
            "ann@x.example");
}

TEST(Values, CategoryObjectAndLinkArrays) {
  const Event e =
      parse_ok(R"({"event_type":"LEAD_CATEGORY_UPDATED","category":{"name":"Not Interested"}})");
  EXPECT_EQ(e.common.category, "Not Interested");
  const Event l = parse_ok(
      R"({"event_type":"EMAIL_LINK_CLICK","link_details":[],"link_clicked":["https://a.example",7,null,"https://b.example"]})");
  EXPECT_EQ(std::get<EmailLinkClick>(l.detail).links,
            (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST(Values, SecretKeyOnlyFromTopLevelString) {
  EXPECT_EQ(parse_ok(R"({"event_type":"EMAIL_OPEN","secret_key":"s1"})").common.secret_key, "s1");
  EXPECT_EQ(parse_ok(R"({"event_type":"EMAIL_OPEN","secret_key":123})").common.secret_key,
            std::nullopt);
  EXPECT_EQ(parse_ok(R"({"type":"EMAIL_OPEN","data":{"secret_key":"s1"}})").common.secret_key,
            std::nullopt);
}

TEST(Envelope, TopLevelWinsOverData) {
  const Event e = parse_ok(R"({"id":"evt_1","type":"EMAIL_OPEN","campaign_id":1,
    "data":{"campaign_id":2,"campaign_name":"From data","to_email":"a@x.example","to_name":null},
    "meta":{}})");
  EXPECT_EQ(e.common.campaign_id, "1");
  EXPECT_EQ(e.common.campaign_name, "From data");
  EXPECT_EQ(e.common.lead_email, "a@x.example");
  EXPECT_EQ(e.common.lead_name, std::nullopt);
}

TEST(Envelope, NullTopLevelReadsData) {
  const Event e = parse_ok(R"({"type":"EMAIL_OPEN","campaign_id":null,"data":{"campaign_id":2}})");
  EXPECT_EQ(e.common.campaign_id, "2");
}

TEST(Envelope, DataIgnoredForFlatPayloads) {
  // A flat payload found by event_type has no envelope: a `data` member is just a field.
  const Event e = parse_ok(R"({"event_type":"EMAIL_OPEN","data":{"campaign_id":2}})");
  EXPECT_EQ(e.common.campaign_id, std::nullopt);
}

}  // namespace
}  // namespace slwd::events
