// Fields of the email-level events (sent, open, click, reply, bounce, unsubscribe).
// Field names follow SmartLead's "Webhook Guide Updated" pages (new names, deprecated names
// retired 2024-01-01) and the older nested format ({event, lead{}, email{}, reply{}, link{}}).
#include "slwd/events/extract.hpp"

namespace slwd::events {

EmailFields extract_email_fields(const FieldReader& in, bool message_id_is_sent) {
  EmailFields f;
  f.from_email = in.text({"from_email", "from"});
  f.subject = in.text({"subject", "custom_subject", {"reply", "subject"}, {"email", "subject"}});
  f.sequence_number = in.integer({"sequence_number"});
  f.lead_id = in.id({"sl_email_lead_id", "lead_id"});
  f.lead_map_id = in.id({"sl_email_lead_map_id"});
  f.stats_id = in.id({"stats_id"});
  f.client_id = in.id({"client_id"});
  f.campaign_status = in.text({"campaign_status"});
  f.app_url = in.text({"app_url", "ui_master_inbox_link"});
  f.sent.message_id = in.text({{"sent_message", "message_id"}, {"sent_message", "id"}});
  if (!f.sent.message_id && message_id_is_sent) f.sent.message_id = in.text({"message_id"});
  if (!f.sent.message_id) f.sent.message_id = in.text({{"email", "message_id"}});
  f.sent.html = in.text({{"sent_message", "html"}, "sent_message_body", "custom_email_message"});
  f.sent.text = in.text({{"sent_message", "text"}});
  f.sent.time = in.text({{"sent_message", "time"}});
  return f;
}

Message extract_reply_message(const FieldReader& in) {
  Message m;
  m.message_id = in.text({{"reply_message", "message_id"}, "message_id", {"reply", "message_id"}});
  m.text = in.text({{"reply_message", "text"}, "preview_text", {"reply", "body"}});
  m.html = in.text({{"reply_message", "html"}, "reply_body"});
  m.time = in.text({{"reply_message", "time"}, "time_replied", {"reply", "received_at"}});
  return m;
}

Message extract_bounce_message(const FieldReader& in) {
  Message m;
  m.message_id = in.text({{"bounce_message", "message_id"}, "bounce_reply_message_id"});
  m.text = in.text({{"bounce_message", "text"}, "bounce_reply_email_preview", "bounce_reason"});
  m.html = in.text({{"bounce_message", "html"}, "bounce_reply_email"});
  m.time = in.text({{"bounce_message", "time"}});
  return m;
}

std::vector<std::string> extract_links(const FieldReader& in) {
  return in.strings({"link_details", "link_clicked", {"link", "url"}});
}

}  // namespace slwd::events
