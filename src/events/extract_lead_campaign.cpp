// Fields of the lead- and campaign-level events, whose payloads don't share the email shape.
#include "slwd/events/extract.hpp"

namespace slwd::events {

LeadCategoryUpdated extract_lead_category_updated(const FieldReader& in) {
  LeadCategoryUpdated e;
  e.from_email = in.text({"from_email", "from"});
  e.lead_id = in.id({"lead_id", "sl_email_lead_id"});
  e.category_id = in.id({{"lead_category", "new_id"}, "lead_category_id", "category_id"});
  e.old_category = in.text({{"lead_category", "old_name"}});
  e.old_category_id = in.id({{"lead_category", "old_id"}});
  e.sentiment = in.text({{"lead_data", "category", "sentiment_type"}});
  e.client_id = in.id({"client_id"});
  e.campaign_status = in.text({"campaign_status"});
  e.app_url = in.text({"app_url", "ui_master_inbox_link"});
  return e;
}

CampaignStatusChanged extract_campaign_status_changed(const FieldReader& in) {
  CampaignStatusChanged e;
  e.old_status = in.text({"previous_status", "old_status"});
  // campaign_status is the campaign's status after the change when nothing more specific is sent.
  e.new_status = in.text({"current_status", "new_status", "status", "campaign_status"});
  e.client_id = in.id({"client_id"});
  e.description = in.text({"description"});
  e.app_url = in.text({"app_url"});
  return e;
}

UntrackedReply extract_untracked_reply(const FieldReader& in) {
  UntrackedReply e;
  e.sender = in.text({"sender_detail", "from_email", "from"});
  e.recipient = in.text({"recipient_detail", "to_email", "to"});
  e.cc = in.text({"cc"});
  e.bcc = in.text({"bcc"});
  e.subject = in.text({"subject", {"reply", "subject"}});
  e.reply.message_id = in.text({{"reply_message", "message_id"}, "message_id"});
  e.reply.text =
      in.text({{"reply_message", "text"}, "visible_text", "preview_text", {"reply", "body"}});
  e.reply.html = in.text({{"reply_message", "html"}, "reply_body"});
  e.reply.time = in.text({{"reply_message", "time"}, {"reply", "received_at"}});
  e.has_attachment = in.boolean("has_attachment");
  return e;
}

ManualStepReached extract_manual_step_reached(const FieldReader& in) {
  ManualStepReached e;
  e.lead_id = in.id({"lead_id", "sl_email_lead_id"});
  e.sequence_number = in.integer({"current_sequence_number", "sequence_number"});
  e.sent_message_ids = in.strings({"sent_message_ids"});
  e.client_id = in.id({"client_id"});
  e.campaign_status = in.text({"campaign_status"});
  e.description = in.text({"description"});
  e.app_url = in.text({"app_url"});
  return e;
}

}  // namespace slwd::events
