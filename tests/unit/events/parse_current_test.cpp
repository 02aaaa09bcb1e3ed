// Every type in SmartLead's current field generation (the "new fields" of its webhook guide).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

std::string read_fixture(const std::string& rel) {
  std::ifstream in(std::string(SLWD_FIXTURES_DIR) + "/events/" + rel, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Parses a fixture and returns the typed detail, failing the test on a wrong type.
template <typename T>
std::pair<Common, T> load(const std::string& rel) {
  const std::string body = read_fixture(rel);
  EXPECT_FALSE(body.empty()) << rel;
  ParseResult r = parse_event(body);
  EXPECT_TRUE(r.event.has_value()) << rel << ": " << r.error;
  if (!r.event) return {};
  EXPECT_TRUE(r.error.empty());
  const T* detail = std::get_if<T>(&r.event->detail);
  EXPECT_NE(detail, nullptr) << rel << " parsed to variant index " << r.event->detail.index();
  if (detail == nullptr) return {r.event->common, T{}};
  return {r.event->common, *detail};
}

constexpr const char* kSecret = "e0207d40-84ef-4ad6-89eb-7dbff8c0138d";

void expect_current_common(const Common& c, const char* type, const char* timestamp) {
  EXPECT_EQ(c.event_type, type);
  EXPECT_EQ(c.campaign_id, "353");
  EXPECT_EQ(c.campaign_name, "Spring Outreach");
  EXPECT_EQ(c.lead_email, "david.carroll@lead.example");
  EXPECT_EQ(c.lead_name, "David Carroll");
  EXPECT_EQ(c.timestamp, timestamp);
  EXPECT_EQ(c.secret_key, kSecret);
}

void expect_current_email(const EmailFields& e) {
  EXPECT_EQ(e.from_email, "maria@sender.example");
  EXPECT_EQ(e.lead_id, "138084");
  EXPECT_EQ(e.lead_map_id, "201455");
  EXPECT_EQ(e.stats_id, "4b1f3c2e-7d8a-4e6b-9c0d-1a2b3c4d5e6f");
  EXPECT_EQ(e.client_id, "111");
  EXPECT_EQ(e.campaign_status, "ACTIVE");
  EXPECT_EQ(e.app_url, "https://app.smartlead.ai/app/master-inbox?leadMap=201455");
  EXPECT_EQ(e.sent.message_id, "<m1.353@sender.example>");
  EXPECT_EQ(e.sent.html, "<p>Hi David,</p>");
  EXPECT_EQ(e.sent.text, "Hi David,");
  EXPECT_EQ(e.sent.time, "2024-03-05T09:15:02.118Z");
}

TEST(ParseCurrent, EmailSent) {
  auto [c, e] = load<EmailSent>("current/EMAIL_SENT.json");
  expect_current_common(c, "EMAIL_SENT", "2024-03-05T09:15:02.118Z");
  expect_current_email(e.email);
  EXPECT_EQ(e.email.subject, "Intro: faster onboarding");
  EXPECT_EQ(e.email.sequence_number, 1);
  EXPECT_EQ(c.category, std::nullopt);
}

TEST(ParseCurrent, FirstEmailSent) {
  auto [c, e] = load<FirstEmailSent>("current/FIRST_EMAIL_SENT.json");
  expect_current_common(c, "FIRST_EMAIL_SENT", "2024-03-05T09:15:02Z");
  expect_current_email(e.email);
  EXPECT_EQ(e.email.sequence_number, 1);
}

TEST(ParseCurrent, EmailOpen) {
  auto [c, e] = load<EmailOpen>("current/EMAIL_OPEN.json");
  expect_current_common(c, "EMAIL_OPEN", "2024-03-05T10:02:44.501+00:00");
  expect_current_email(e.email);
}

TEST(ParseCurrent, EmailLinkClick) {
  auto [c, e] = load<EmailLinkClick>("current/EMAIL_LINK_CLICK.json");
  expect_current_common(c, "EMAIL_LINK_CLICK", "2024-03-05T10:03:10.007+01:00");
  expect_current_email(e.email);
  EXPECT_EQ(e.links, (std::vector<std::string>{"https://product.example/demo",
                                               "https://product.example/pricing"}));
}

TEST(ParseCurrent, EmailReply) {
  auto [c, e] = load<EmailReply>("current/EMAIL_REPLY.json");
  expect_current_common(c, "EMAIL_REPLY", "2024-03-05T11:20:00.000Z");
  expect_current_email(e.email);
  EXPECT_EQ(e.email.subject, "Re: Intro: faster onboarding");
  EXPECT_EQ(e.email.sequence_number, 2);
  EXPECT_EQ(e.reply.message_id, "<CAJZgRaRf=B4W@mail.gmail.com>");
  EXPECT_EQ(e.reply.text, "Sounds good, send me a time.");
  EXPECT_EQ(e.reply.html, "<div>Sounds good, send me a time.</div>");
  EXPECT_EQ(e.reply.time, "2024-03-05T11:19:58.000Z");
  EXPECT_EQ(e.stats_thread_id, "77af2c1e-0b9d-4a55-8e3f-6d2c1b0a9f88");
}

TEST(ParseCurrent, EmailBounce) {
  auto [c, e] = load<EmailBounce>("current/EMAIL_BOUNCE.json");
  expect_current_common(c, "EMAIL_BOUNCE", "2024-03-05T09:15:09.771Z");
  expect_current_email(e.email);
  EXPECT_EQ(e.bounce.message_id, "<bounce.4F2A1@mx.lead.example>");
  EXPECT_EQ(e.bounce.text, "550 5.1.1 User unknown");
  EXPECT_EQ(e.bounce.html, "<p>550 5.1.1 User unknown</p>");
  EXPECT_EQ(e.bounce.time, "2024-03-05T09:15:09.771Z");
  EXPECT_EQ(e.bounce_type, std::nullopt);
}

TEST(ParseCurrent, LeadUnsubscribed) {
  auto [c, e] = load<LeadUnsubscribed>("current/LEAD_UNSUBSCRIBED.json");
  expect_current_common(c, "LEAD_UNSUBSCRIBED", "2023-09-26T11:16:24.671Z");
  expect_current_email(e.email);
}

TEST(ParseCurrent, LeadCategoryUpdated) {
  auto [c, e] = load<LeadCategoryUpdated>("current/LEAD_CATEGORY_UPDATED.json");
  expect_current_common(c, "LEAD_CATEGORY_UPDATED", "2024-03-06T08:00:00.000Z");
  EXPECT_EQ(c.category, "Interested");
  EXPECT_EQ(e.category_id, "1");
  EXPECT_EQ(e.old_category, "Out Of Office");
  EXPECT_EQ(e.old_category_id, "2");
  EXPECT_EQ(e.sentiment, "positive");
  EXPECT_EQ(e.lead_id, "138084");
  EXPECT_EQ(e.from_email, "maria@sender.example");
  EXPECT_EQ(e.client_id, "111");
  EXPECT_EQ(e.campaign_status, "ACTIVE");
}

TEST(ParseCurrent, CampaignStatusChanged) {
  auto [c, e] = load<CampaignStatusChanged>("current/CAMPAIGN_STATUS_CHANGED.json");
  EXPECT_EQ(c.event_type, "CAMPAIGN_STATUS_CHANGED");
  EXPECT_EQ(c.campaign_id, "377");
  EXPECT_EQ(c.campaign_name, "377 testing manual step");
  EXPECT_EQ(c.lead_email, std::nullopt);
  EXPECT_EQ(c.timestamp, std::nullopt);  // SmartLead's own example carries none
  EXPECT_EQ(c.secret_key, kSecret);
  EXPECT_EQ(e.old_status, "PAUSED");
  EXPECT_EQ(e.new_status, "ACTIVE");
  EXPECT_EQ(e.client_id, std::nullopt);  // null in the payload
  EXPECT_EQ(e.app_url, "https://app.smartlead.ai/app/email-campaign/377/analytics");
  EXPECT_NE(e.description, std::nullopt);
}

TEST(ParseCurrent, UntrackedReplies) {
  auto [c, e] = load<UntrackedReply>("current/UNTRACKED_REPLIES.json");
  EXPECT_EQ(c.event_type, "UNTRACKED_REPLIES");
  EXPECT_EQ(c.timestamp, "2024-04-17T05:24:33.353Z");
  EXPECT_EQ(c.campaign_id, std::nullopt);
  EXPECT_EQ(c.lead_email, std::nullopt);
  EXPECT_EQ(e.sender, "Sunita Soy <sunita@lead.example>");
  EXPECT_EQ(e.recipient, "maria@sender.example");
  EXPECT_EQ(e.cc, std::nullopt);  // "" counts as absent
  EXPECT_EQ(e.subject, "Untracked replies");
  EXPECT_EQ(e.reply.text, "Hi\n");
  EXPECT_EQ(e.reply.html, std::nullopt);
  EXPECT_EQ(e.reply.message_id, "<CAJZgRaRf=B4WEPmv4gujBNmJE46X@mail.gmail.com>");
  EXPECT_EQ(e.has_attachment, false);
}

TEST(ParseCurrent, ManualStepReached) {
  auto [c, e] = load<ManualStepReached>("current/MANUAL_STEP_REACHED.json");
  EXPECT_EQ(c.event_type, "MANUAL_STEP_REACHED");
  EXPECT_EQ(c.campaign_id, "353");
  EXPECT_EQ(c.campaign_name, "test56778");
  EXPECT_EQ(c.lead_email, "sukhvir@lead.example");
  EXPECT_EQ(c.lead_name, "Sukhvir Kaur");
  EXPECT_EQ(e.lead_id, "138090");
  EXPECT_EQ(e.sequence_number, 2);
  EXPECT_EQ(e.sent_message_ids,
            (std::vector<std::string>{"<m1.353@sender.example>", "<m2.353@sender.example>"}));
  EXPECT_EQ(e.campaign_status, "ACTIVE");
  EXPECT_EQ(e.client_id, std::nullopt);
}

}  // namespace
}  // namespace slwd::events
