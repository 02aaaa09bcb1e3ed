// Built-in sample bodies for `smartlead-webhookd send --event TYPE`: what SmartLead's current
// field generation sends (the "new fields" of its Webhook Guide), with made-up people and ids.
// No secret_key: `send` signs with --secret, and a fake body secret would only mislead.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

constexpr std::string_view kEmailSent = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "sl_email_lead_id": "2093847", "sl_email_lead_map_id": "3302981",
  "stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11",
  "event_type": "EMAIL_SENT",
  "event_timestamp": "2024-06-11T09:00:04.118Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "sent_message": {
    "message_id": "<a1b2c3d4.871234@outreach.example.com>",
    "html": "<div>Hi Jane,<br>are you the right person to talk to about pipeline tooling?</div>",
    "text": "Hi Jane, are you the right person to talk to about pipeline tooling?",
    "time": "2024-06-11T09:00:04.118Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302981",
  "description": "Email sent to jane.doe@acme-corp.example",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kFirstEmailSent = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "sl_email_lead_id": "2093851", "sl_email_lead_map_id": "3302990",
  "stats_id": "0f3b9a12-7c55-4a0e-8d31-2c5e9b7a4f20",
  "event_type": "FIRST_EMAIL_SENT",
  "event_timestamp": "2024-06-11T09:02:37.540Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "omar.haddad@northwind.example", "to_name": "Omar Haddad",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "sent_message": {
    "message_id": "<e5f6a7b8.871234@outreach.example.com>",
    "html": "<div>Hi Omar,<br>are you the right person to talk to about pipeline tooling?</div>",
    "text": "Hi Omar, are you the right person to talk to about pipeline tooling?",
    "time": "2024-06-11T09:02:37.540Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302990",
  "description": "First email sent to omar.haddad@northwind.example",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kEmailOpen = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "sl_email_lead_id": "2093847", "sl_email_lead_map_id": "3302981",
  "stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11",
  "event_type": "EMAIL_OPEN",
  "event_timestamp": "2024-06-11T10:41:19.207Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "sent_message": {
    "message_id": "<a1b2c3d4.871234@outreach.example.com>",
    "html": "<div>Hi Jane,<br>are you the right person to talk to about pipeline tooling?</div>",
    "text": "Hi Jane, are you the right person to talk to about pipeline tooling?",
    "time": "2024-06-11T09:00:04.118Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302981",
  "description": "Email opened by jane.doe@acme-corp.example",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kEmailLinkClick = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "sl_email_lead_id": "2093847", "sl_email_lead_map_id": "3302981",
  "stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11",
  "event_type": "EMAIL_LINK_CLICK",
  "event_timestamp": "2024-06-11T10:43:02.881Z",
  "link_details": ["https://outreach.example.com/demo?utm_source=smartlead"],
  "from_email": "alex@outreach.example.com",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "sent_message": {
    "message_id": "<a1b2c3d4.871234@outreach.example.com>",
    "html": "<div>Hi Jane,<br>see <a href=\"https://outreach.example.com/demo\">the demo</a>.</div>",
    "text": "Hi Jane, see the demo.",
    "time": "2024-06-11T09:00:04.118Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302981",
  "description": "Link clicked by jane.doe@acme-corp.example",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kEmailReply = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "sl_email_lead_id": "2093847", "sl_email_lead_map_id": "3302981",
  "sl_lead_email": "jane.doe@acme-corp.example",
  "stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11",
  "event_type": "EMAIL_REPLY",
  "event_timestamp": "2024-06-11T14:23:51.412Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "subject": "Re: Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 2,
  "sent_message": {
    "message_id": "<c9d0e1f2.871234@outreach.example.com>",
    "html": "<div>Hi Jane, following up on my note from Tuesday.</div>",
    "text": "Hi Jane, following up on my note from Tuesday.",
    "time": "2024-06-10T09:00:02.004Z"
  },
  "reply_message": {
    "message_id": "<CAH8x2=abc123@mail.gmail.com>",
    "html": "<div dir=\"ltr\">Hi Alex, thanks - yes, let's talk next week. Tuesday 3pm works.</div>",
    "text": "Hi Alex, thanks - yes, let's talk next week. Tuesday 3pm works.",
    "time": "2024-06-11T14:23:47.000Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302981",
  "description": "jane.doe@acme-corp.example replied to Q3 Outbound - SaaS CTOs",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kEmailBounce = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "stats_id": "5e8a1c30-91f2-4b67-a0d4-7f3e2b1c9d08",
  "event_type": "EMAIL_BOUNCE",
  "created_at": "2024-06-11T09:00:09.771Z",
  "event_timestamp": "2024-06-11T09:00:09.771Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "p.nowak@contoso.example", "to_name": "Piotr Nowak",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "sent_message": {
    "message_id": "<d3e4f5a6.871234@outreach.example.com>",
    "html": "<div>Hi Piotr,<br>are you the right person to talk to about pipeline tooling?</div>",
    "text": "Hi Piotr, are you the right person to talk to about pipeline tooling?",
    "time": "2024-06-11T09:00:05.310Z"
  },
  "bounce_message": {
    "message_id": "<20240611090009.4F2A1@mx.contoso.example>",
    "html": "<p>550 5.1.1 &lt;p.nowak@contoso.example&gt;: Recipient address rejected: User unknown</p>",
    "text": "550 5.1.1 <p.nowak@contoso.example>: Recipient address rejected: User unknown",
    "time": "2024-06-11T09:00:09.771Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/email-campaign/871234/analytics",
  "description": "Email to p.nowak@contoso.example bounced",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kLeadUnsubscribed = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "event_type": "LEAD_UNSUBSCRIBED",
  "event_timestamp": "2024-06-12T08:15:30.052Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "sam.lee@fabrikam.example", "to_name": "Sam Lee",
  "subject": "Quick question about your pipeline",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "sequence_number": 1,
  "unsubscribed_client_id_map": {"311": true},
  "sent_message": {
    "message_id": "<b7c8d9e0.871234@outreach.example.com>",
    "html": "<div>Hi Sam,<br>are you the right person to talk to about pipeline tooling?</div>",
    "text": "Hi Sam, are you the right person to talk to about pipeline tooling?",
    "time": "2024-06-11T09:01:12.640Z"
  },
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/email-campaign/871234/lead-list",
  "description": "sam.lee@fabrikam.example unsubscribed from Q3 Outbound - SaaS CTOs",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kLeadCategoryUpdated = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "lead_id": 2093847,
  "event_type": "LEAD_CATEGORY_UPDATED",
  "created_at": "2024-06-11T14:30:12.935Z",
  "event_timestamp": "2024-06-11T14:30:12.935Z",
  "from_email": "alex@outreach.example.com",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "lead_category": {"old_id": null, "old_name": null, "new_id": 1, "new_name": "Interested"},
  "lead_data": {
    "email": "jane.doe@acme-corp.example", "first_name": "Jane", "last_name": "Doe",
    "company_name": "Acme Corp", "website": "acme-corp.example", "location": "Berlin",
    "phone_number": "+49 30 1234567", "linkedin_profile": "https://www.linkedin.com/in/janedoe",
    "custom_fields": {"role": "CTO"},
    "category": {"name": "Interested", "sentiment_type": "positive"}
  },
  "history": [
    {"stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11", "type": "SENT",
     "message_id": "<a1b2c3d4.871234@outreach.example.com>", "time": "2024-06-11T09:00:04.118Z",
     "email_body": "<div>Hi Jane,<br>are you the right person to talk to about pipeline tooling?</div>",
     "subject": "Quick question about your pipeline"},
    {"stats_id": "9c1e7d44-52b1-4d2e-9f0e-1b2f0c6a7e11", "type": "REPLY",
     "message_id": "<CAH8x2=abc123@mail.gmail.com>", "time": "2024-06-11T14:23:47.000Z",
     "email_body": "<div dir=\"ltr\">Hi Alex, thanks - yes, let's talk next week.</div>",
     "subject": "Re: Quick question about your pipeline"}
  ],
  "last_reply": {"type": "REPLY", "time": "2024-06-11T14:23:47.000Z",
                 "email_body": "<div dir=\"ltr\">Hi Alex, thanks - yes, let's talk next week.</div>"},
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/master-inbox?leadMap=3302981",
  "description": "Lead category of jane.doe@acme-corp.example changed to Interested",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kCampaignStatusChanged = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "event_type": "CAMPAIGN_STATUS_CHANGED",
  "event_timestamp": "2024-06-13T07:45:00.319Z",
  "previous_status": "ACTIVE", "current_status": "PAUSED", "campaign_status": "PAUSED",
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs",
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/email-campaign/871234/analytics",
  "description": "Email Campaign status changed ACTIVE to PAUSED for campaign - Q3 Outbound - SaaS CTOs",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kUntrackedReplies = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "event_type": "UNTRACKED_REPLIES",
  "event_timestamp": "2024-06-12T16:05:41.660Z",
  "reply_message": {
    "message_id": "<CAF7q9=xyz789@mail.gmail.com>",
    "html": "<div dir=\"ltr\">Hi, Jane forwarded me your note - I run platform here. Call Friday?</div>",
    "text": "Hi, Jane forwarded me your note - I run platform here. Call Friday?",
    "time": "2024-06-12T16:05:41.660Z"
  },
  "sender_detail": "Chris Park <chris.park@acme-corp.example>",
  "recipient_detail": "alex@outreach.example.com",
  "cc": "", "bcc": "",
  "subject": "Fwd: Quick question about your pipeline",
  "visible_text": "Hi, Jane forwarded me your note - I run platform here. Call Friday?",
  "has_attachment": false,
  "description": "Untracked reply received on alex@outreach.example.com",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::string_view kManualStepReached = R"({
  "webhook_id": 4821, "webhook_name": "crm-sync",
  "event_type": "MANUAL_STEP_REACHED",
  "event_timestamp": "2024-06-14T09:00:00.000Z",
  "lead_id": "2093847",
  "to_email": "jane.doe@acme-corp.example", "to_name": "Jane Doe",
  "sent_message_ids": ["<a1b2c3d4.871234@outreach.example.com>",
                       "<c9d0e1f2.871234@outreach.example.com>"],
  "campaign_id": 871234, "campaign_name": "Q3 Outbound - SaaS CTOs", "campaign_status": "ACTIVE",
  "current_sequence_number": 3,
  "client_id": 311,
  "app_url": "https://app.smartlead.ai/app/email-campaign/871234/lead-list",
  "description": "Manual step reached for Campaign - Q3 Outbound - SaaS CTOs and lead email - jane.doe@acme-corp.example",
  "metadata": {"webhook_created_at": "2024-05-02T08:12:45.000Z"}
})";

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kSamples = {{
    {"EMAIL_SENT", kEmailSent},
    {"FIRST_EMAIL_SENT", kFirstEmailSent},
    {"EMAIL_OPEN", kEmailOpen},
    {"EMAIL_LINK_CLICK", kEmailLinkClick},
    {"EMAIL_REPLY", kEmailReply},
    {"EMAIL_BOUNCE", kEmailBounce},
    {"LEAD_UNSUBSCRIBED", kLeadUnsubscribed},
    {"LEAD_CATEGORY_UPDATED", kLeadCategoryUpdated},
    {"CAMPAIGN_STATUS_CHANGED", kCampaignStatusChanged},
    {"UNTRACKED_REPLIES", kUntrackedReplies},
    {"MANUAL_STEP_REACHED", kManualStepReached},
}};

}  // namespace

std::optional<std::string> sample_body(std::string_view event_type) {
  const auto canonical = canonical_event_type(event_type);
  if (!canonical) return std::nullopt;
  for (const auto& [name, body] : kSamples) {
    // Sent compact, as SmartLead's own JSON.stringify'd bodies are.
    if (name == *canonical) return compact_json(body);
  }
  return std::nullopt;
}

}  // namespace slwd::events
