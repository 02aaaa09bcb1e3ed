// Older payload generations: the deprecated flat field names (retired 2024-01-01), the older
// nested format ({event, lead{}, email{}, reply{}}) and the newer {id,type,data,meta} envelope.
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

template <typename T>
std::pair<Common, T> load(const std::string& rel) {
  const std::string body = read_fixture(rel);
  EXPECT_FALSE(body.empty()) << rel;
  ParseResult r = parse_event(body);
  EXPECT_TRUE(r.event.has_value()) << rel << ": " << r.error;
  if (!r.event) return {};
  const T* detail = std::get_if<T>(&r.event->detail);
  EXPECT_NE(detail, nullptr) << rel << " parsed to variant index " << r.event->detail.index();
  if (detail == nullptr) return {r.event->common, T{}};
  return {r.event->common, *detail};
}

// ---- deprecated flat names --------------------------------------------------------------

void expect_legacy_email(const Common& c, const EmailFields& e) {
  EXPECT_EQ(c.campaign_id, "353");  // sent as the string "353"
  EXPECT_EQ(c.campaign_name, "Spring Outreach");
  EXPECT_EQ(c.lead_email, "david.carroll@lead.example");
  EXPECT_EQ(c.lead_name, "David Carroll");
  EXPECT_EQ(e.from_email, "maria@sender.example");
  EXPECT_EQ(e.stats_id, "legacy-stats-1");
  EXPECT_EQ(e.app_url, "https://app.smartlead.ai/app/master-inbox?leadMap=201455");
}

TEST(ParseLegacy, EmailSent) {
  auto [c, e] = load<EmailSent>("legacy/EMAIL_SENT.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T17:28:11.618881+00:00");      // time_sent
  EXPECT_EQ(e.email.subject, "Following up");                      // custom_subject
  EXPECT_EQ(e.email.sequence_number, 2);                           // the string "2"
  EXPECT_EQ(e.email.sent.html, "<p>Hi David, following up.</p>");  // custom_email_message
  EXPECT_EQ(e.email.sent.message_id, "<m2.353@sender.example>");   // top-level message_id
}

TEST(ParseLegacy, FirstEmailSent) {
  auto [c, e] = load<FirstEmailSent>("legacy/FIRST_EMAIL_SENT.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T17:28:11Z");
  EXPECT_EQ(e.email.sequence_number, 1);
  // sent_message_body is "", so the older custom_email_message is used.
  EXPECT_EQ(e.email.sent.html, "<p>Hi David</p>");
  EXPECT_EQ(e.email.sent.message_id, "<m1.353@sender.example>");
}

TEST(ParseLegacy, EmailOpen) {
  auto [c, e] = load<EmailOpen>("legacy/EMAIL_OPEN.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T17:29:11.618881+00:00");      // time_opened
  EXPECT_EQ(e.email.sent.html, "<p>Hi David, following up.</p>");  // sent_message_body
}

TEST(ParseLegacy, EmailLinkClickWithSingleString) {
  auto [c, e] = load<EmailLinkClick>("legacy/EMAIL_LINK_CLICK.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T17:30:11.618881+00:00");  // time_clicked
  EXPECT_EQ(e.links, std::vector<std::string>{"https://product.example/demo"});
}

TEST(ParseLegacy, EmailReply) {
  auto [c, e] = load<EmailReply>("legacy/EMAIL_REPLY.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T18:02:40.000000+00:00");  // time_replied
  EXPECT_EQ(e.reply.text, "Not now, maybe Q3.");               // preview_text
  EXPECT_EQ(e.reply.html, "<div>Not now, maybe Q3.</div>");    // reply_body
  EXPECT_EQ(e.reply.message_id, "<CAold123@mail.gmail.com>");  // message_id names the reply
  EXPECT_EQ(e.reply.time, "2023-09-25T18:02:40.000000+00:00");
  EXPECT_EQ(e.email.sent.message_id, std::nullopt);
  EXPECT_EQ(e.email.sent.html, "<p>Hi David, following up.</p>");
}

TEST(ParseLegacy, EmailBounce) {
  auto [c, e] = load<EmailBounce>("legacy/EMAIL_BOUNCE.json");
  expect_legacy_email(c, e.email);
  EXPECT_EQ(c.timestamp, "2023-09-25T17:28:15.000000+00:00");
  EXPECT_EQ(e.email.subject, "Following up");
  EXPECT_EQ(e.bounce.text, "Mailbox full");         // bounce_reply_email_preview
  EXPECT_EQ(e.bounce.html, "<p>Mailbox full</p>");  // bounce_reply_email
  EXPECT_EQ(e.bounce.message_id, "<bounce.old@mx.lead.example>");
  EXPECT_EQ(e.email.sent.message_id, "<m2.353@sender.example>");
}

TEST(ParseLegacy, LeadUnsubscribed) {
  auto [c, e] = load<LeadUnsubscribed>("legacy/LEAD_UNSUBSCRIBED.json");
  EXPECT_EQ(c.event_type, "LEAD_UNSUBSCRIBED");
  EXPECT_EQ(c.lead_email, "bob@lead.example");  // lead_email
  EXPECT_EQ(c.lead_name, "Bob");                // lead_name
  EXPECT_EQ(c.campaign_id, "353");
  EXPECT_EQ(c.timestamp, std::nullopt);
  EXPECT_EQ(e.email.app_url, std::nullopt);  // ui_master_inbox_link is ""
}

TEST(ParseLegacy, LeadCategoryUpdated) {
  auto [c, e] = load<LeadCategoryUpdated>("legacy/LEAD_CATEGORY_UPDATED.json");
  EXPECT_EQ(c.event_type, "LEAD_CATEGORY_UPDATED");
  EXPECT_EQ(c.category, "Meeting Booked");  // category
  EXPECT_EQ(e.category_id, "5");            // lead_category_id, a string
  EXPECT_EQ(e.old_category, std::nullopt);
  EXPECT_EQ(c.lead_email, "david.carroll@lead.example");
  EXPECT_EQ(c.lead_name, "David");                  // lead_name wins over lead_data's first + last
  EXPECT_EQ(e.from_email, "maria@sender.example");  // from
  EXPECT_EQ(e.lead_id, "138084");
}

TEST(ParseLegacy, CampaignStatusChangeAlias) {
  auto [c, e] = load<CampaignStatusChanged>("legacy/CAMPAIGN_STATUS_CHANGED.json");
  EXPECT_EQ(c.event_type, "CAMPAIGN_STATUS_CHANGED");
  EXPECT_EQ(c.campaign_id, "377");
  EXPECT_EQ(c.timestamp, "2023-11-30T23:59:59Z");
  EXPECT_EQ(e.old_status, std::nullopt);
  EXPECT_EQ(e.new_status, "COMPLETED");  // campaign_status
}

TEST(ParseLegacy, UntrackedReplies) {
  auto [c, e] = load<UntrackedReply>("legacy/UNTRACKED_REPLIES.json");
  EXPECT_EQ(c.timestamp, "2023-12-01T08:00:00+05:30");
  EXPECT_EQ(e.sender, "Ravi <ravi@lead.example>");
  EXPECT_EQ(e.reply.text, "Please remove me.");  // visible_text
  EXPECT_EQ(e.subject, "Re: who is this?");
  EXPECT_EQ(e.has_attachment, true);
}

TEST(ParseLegacy, ManualStepReachedNestedFormat) {
  auto [c, e] = load<ManualStepReached>("legacy/MANUAL_STEP_REACHED.json");
  EXPECT_EQ(c.event_type, "MANUAL_STEP_REACHED");
  EXPECT_EQ(c.lead_email, "sukhvir@lead.example");  // lead.email
  EXPECT_EQ(c.lead_name, "Sukhvir Kaur");           // lead.first_name + lead.last_name
  EXPECT_EQ(c.timestamp, "2023-12-04T09:00:00Z");
  EXPECT_EQ(e.lead_id, "138090");   // a number
  EXPECT_EQ(e.sequence_number, 3);  // sequence_number
}

// ---- older nested format ----------------------------------------------------------------

TEST(ParseNested, EmailSent) {
  auto [c, e] = load<EmailSent>("nested/EMAIL_SENT.json");
  EXPECT_EQ(c.event_type, "EMAIL_SENT");
  EXPECT_EQ(c.campaign_id, "123");
  EXPECT_EQ(c.lead_email, "lead@example.com");
  EXPECT_EQ(c.lead_name, "John Doe");
  EXPECT_EQ(c.timestamp, "2024-11-25T09:00:00Z");
  EXPECT_EQ(e.email.subject, "Quick question");               // email.subject
  EXPECT_EQ(e.email.sent.message_id, "abc123@smartlead.ai");  // email.message_id
  EXPECT_EQ(e.email.lead_id, "789");
}

TEST(ParseNested, EmailOpenedAlias) {
  auto [c, e] = load<EmailOpen>("nested/EMAIL_OPENED.json");
  EXPECT_EQ(c.event_type, "EMAIL_OPEN");
  EXPECT_EQ(c.lead_name, "John");  // first name only
  EXPECT_EQ(e.email.sequence_number, 1);
}

TEST(ParseNested, EmailClickedAlias) {
  auto [c, e] = load<EmailLinkClick>("nested/EMAIL_CLICKED.json");
  EXPECT_EQ(c.event_type, "EMAIL_LINK_CLICK");
  EXPECT_EQ(c.lead_name, std::nullopt);
  EXPECT_EQ(e.links, std::vector<std::string>{"https://example.com/demo"});  // link.url
}

TEST(ParseNested, EmailRepliedAlias) {
  auto [c, e] = load<EmailReply>("nested/EMAIL_REPLIED.json");
  EXPECT_EQ(c.event_type, "EMAIL_REPLY");
  EXPECT_EQ(c.campaign_name, "Q1 Outreach");
  EXPECT_EQ(c.lead_email, "lead@example.com");
  EXPECT_EQ(c.lead_name, "John Doe");
  EXPECT_EQ(c.timestamp, "2024-11-25T11:00:00Z");
  EXPECT_EQ(e.email.subject, "Re: Quick question");  // reply.subject before email.subject
  EXPECT_EQ(e.reply.text, "Thanks for reaching out. I'm interested...");  // reply.body
  EXPECT_EQ(e.reply.html, std::nullopt);
  EXPECT_EQ(e.reply.message_id, "reply-abc123");
  EXPECT_EQ(e.reply.time, "2024-11-25T11:00:00Z");
  EXPECT_EQ(e.email.sent.message_id, "abc123@smartlead.ai");
}

TEST(ParseNested, EmailBouncedAlias) {
  auto [c, e] = load<EmailBounce>("nested/EMAIL_BOUNCED.json");
  EXPECT_EQ(c.event_type, "EMAIL_BOUNCE");
  EXPECT_EQ(c.lead_email, "invalid@example.com");
  EXPECT_EQ(e.bounce_type, "hard");
  EXPECT_EQ(e.bounce.text, "Mailbox does not exist");  // bounce_reason
}

TEST(ParseNested, EmailUnsubscribedAlias) {
  auto [c, e] = load<LeadUnsubscribed>("nested/EMAIL_UNSUBSCRIBED.json");
  EXPECT_EQ(c.event_type, "LEAD_UNSUBSCRIBED");
  EXPECT_EQ(c.lead_email, "lead@example.com");
  EXPECT_EQ(c.timestamp, "2024-11-25T12:00:00Z");
  EXPECT_EQ(e.email.lead_id, "789");
}

// ---- newer envelope ---------------------------------------------------------------------

TEST(ParseEnvelope, EmailReplyFieldsFromData) {
  auto [c, e] = load<EmailReply>("envelope/EMAIL_REPLY.json");
  EXPECT_EQ(c.event_type, "EMAIL_REPLY");  // type EMAIL_REPLIED, aliased
  EXPECT_EQ(c.campaign_id, "353");
  EXPECT_EQ(c.lead_email, "david.carroll@lead.example");
  EXPECT_EQ(c.lead_name, "David Carroll");
  EXPECT_EQ(c.timestamp, "2025-01-15T11:00:00Z");
  EXPECT_EQ(c.secret_key, std::nullopt);  // not at the top level
  EXPECT_EQ(e.reply.text, "Let's talk Thursday.");
  EXPECT_EQ(e.reply.html, "<p>Let's talk Thursday.</p>");
  EXPECT_EQ(e.email.subject, "Re: Intro: faster onboarding");
  EXPECT_EQ(e.email.sent.message_id, "<m1.353@sender.example>");
}

TEST(ParseEnvelope, LeadCategoryUpdatedWithTopLevelSecret) {
  auto [c, e] = load<LeadCategoryUpdated>("envelope/LEAD_CATEGORY_UPDATED.json");
  EXPECT_EQ(c.event_type, "LEAD_CATEGORY_UPDATED");
  EXPECT_EQ(c.category, "Interested");
  EXPECT_EQ(c.secret_key, "e0207d40-84ef-4ad6-89eb-7dbff8c0138d");
  EXPECT_EQ(e.category_id, "1");
  EXPECT_EQ(e.old_category, "Out Of Office");
  EXPECT_EQ(e.sentiment, "positive");
}

}  // namespace
}  // namespace slwd::events
