// Picks the typed struct for a canonical event type name.
#include "slwd/events/extract.hpp"

namespace slwd::events {

EventDetail extract_detail(std::string_view type, const FieldReader& in) {
  // Ordered by how often SmartLead sends them: sends and opens dominate the traffic.
  if (type == "EMAIL_SENT") return EmailSent{extract_email_fields(in)};
  if (type == "EMAIL_OPEN") return EmailOpen{extract_email_fields(in)};
  if (type == "FIRST_EMAIL_SENT") return FirstEmailSent{extract_email_fields(in)};
  if (type == "EMAIL_LINK_CLICK")
    return EmailLinkClick{extract_email_fields(in), extract_links(in)};
  if (type == "EMAIL_REPLY") {
    return EmailReply{extract_email_fields(in, /*message_id_is_sent=*/false),
                      extract_reply_message(in), in.id({"stats_thread_id"})};
  }
  if (type == "EMAIL_BOUNCE") {
    return EmailBounce{extract_email_fields(in), extract_bounce_message(in),
                       in.text({"bounce_type"})};
  }
  if (type == "LEAD_UNSUBSCRIBED") return LeadUnsubscribed{extract_email_fields(in)};
  if (type == "LEAD_CATEGORY_UPDATED") return extract_lead_category_updated(in);
  if (type == "CAMPAIGN_STATUS_CHANGED") return extract_campaign_status_changed(in);
  if (type == "UNTRACKED_REPLIES") return extract_untracked_reply(in);
  if (type == "MANUAL_STEP_REACHED") return extract_manual_step_reached(in);
  return UnknownEvent{};
}

}  // namespace slwd::events
