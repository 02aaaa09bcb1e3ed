#pragma once
// One typed struct per SmartLead event type (SPEC §5), resolved across field generations.
// Every field is optional because every generation of SmartLead payloads leaves some out;
// ids and other numbers-or-strings are kept as decimal text.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "slwd/events/event.hpp"

namespace slwd::events {

// A message SmartLead quotes inside an event: the one sent, a reply, or a bounce notice.
struct Message {
  std::optional<std::string> message_id;
  std::optional<std::string> text;
  std::optional<std::string> html;
  std::optional<std::string> time;  // ISO-8601, as sent
};

// Fields of the events about one email to one lead (sent, open, click, reply, bounce,
// unsubscribe): new name first, then the deprecated one, then the nested format's.
struct EmailFields {
  std::optional<std::string> from_email;  // the sending mailbox
  std::optional<std::string> subject;     // subject, custom_subject, reply.subject, email.subject
  std::optional<std::int64_t> sequence_number;
  std::optional<std::string> lead_id;      // sl_email_lead_id, else lead_id
  std::optional<std::string> lead_map_id;  // sl_email_lead_map_id
  std::optional<std::string> stats_id;
  std::optional<std::string> client_id;
  std::optional<std::string> campaign_status;
  std::optional<std::string> app_url;  // app_url, else ui_master_inbox_link
  Message sent;  // sent_message{..}, else sent_message_body / custom_email_message / message_id
};

struct EmailSent {
  EmailFields email;
};

// Fires only for step 1; same shape as EMAIL_SENT.
struct FirstEmailSent {
  EmailFields email;
};

struct EmailOpen {
  EmailFields email;
};

struct EmailLinkClick {
  EmailFields email;
  std::vector<std::string> links;  // link_details, else link_clicked, else link.url
};

struct EmailReply {
  EmailFields email;
  // text: reply_message.text, preview_text, reply.body; html: reply_message.html, reply_body;
  // message_id: reply_message.message_id, message_id, reply.message_id.
  Message reply;
  std::optional<std::string> stats_thread_id;  // set on threaded replies
};

struct EmailBounce {
  EmailFields email;
  // bounce_message{..}, else bounce_reply_email_preview / bounce_reply_email /
  // bounce_reply_message_id, else the nested format's bounce_reason.
  Message bounce;
  std::optional<std::string> bounce_type;  // nested format only ("hard", "soft")
};

struct LeadUnsubscribed {
  EmailFields email;
};

// The new category name is Common::category.
struct LeadCategoryUpdated {
  std::optional<std::string> from_email;       // from_email, else from
  std::optional<std::string> lead_id;          // lead_id, else sl_email_lead_id
  std::optional<std::string> category_id;      // lead_category.new_id, else lead_category_id
  std::optional<std::string> old_category;     // lead_category.old_name
  std::optional<std::string> old_category_id;  // lead_category.old_id
  std::optional<std::string> sentiment;        // lead_data.category.sentiment_type
  std::optional<std::string> client_id;
  std::optional<std::string> campaign_status;
  std::optional<std::string> app_url;
};

struct CampaignStatusChanged {
  std::optional<std::string> old_status;  // previous_status, else old_status
  std::optional<std::string> new_status;  // current_status, new_status, status, campaign_status
  std::optional<std::string> client_id;
  std::optional<std::string> description;
  std::optional<std::string> app_url;
};

// A reply SmartLead could not tie to a lead of a campaign, hence no Common::lead_email.
struct UntrackedReply {
  std::optional<std::string> sender;     // sender_detail, e.g. "Ann <ann@example.com>"
  std::optional<std::string> recipient;  // recipient_detail
  std::optional<std::string> cc;
  std::optional<std::string> bcc;
  std::optional<std::string> subject;
  Message reply;  // text: reply_message.text, visible_text, preview_text, reply.body
  std::optional<bool> has_attachment;
};

struct ManualStepReached {
  std::optional<std::string> lead_id;
  std::optional<std::int64_t> sequence_number;  // current_sequence_number, else sequence_number
  std::vector<std::string> sent_message_ids;
  std::optional<std::string> client_id;
  std::optional<std::string> campaign_status;
  std::optional<std::string> description;
  std::optional<std::string> app_url;
};

// A type name that is none of the 11 (Common::event_type keeps the raw name).
struct UnknownEvent {};

// UnknownEvent first, so a default-constructed Event is an unknown one rather than a fake send.
using EventDetail = std::variant<UnknownEvent, EmailSent, FirstEmailSent, EmailOpen, EmailLinkClick,
                                 EmailReply, EmailBounce, LeadUnsubscribed, LeadCategoryUpdated,
                                 CampaignStatusChanged, UntrackedReply, ManualStepReached>;

struct Event {
  Common common;
  EventDetail detail;
};

struct ParseResult {
  std::optional<Event> event;
  std::string error;  // empty on success; else the <reason> of "invalid payload: <reason>"
};

}  // namespace slwd::events
