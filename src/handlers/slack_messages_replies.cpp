// Replies, untracked replies and bounces: a header, who and where as fields, the email's text
// as a block quote, and the context line (link, mailbox, time).
#include "slack_messages.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

using nlohmann::json;

constexpr std::size_t kFallbackPreview = 150;  // of the email text in the notification

// The email text as a block quote, or an italic note when there is none.
json quoted_body(const std::optional<std::string>& raw, std::string_view when_empty) {
  const std::string text = block_value(raw);
  if (text.empty()) return section("_" + std::string(when_empty) + "_");
  return section(quote_lines(text));
}

// ": first words of the text…" for a fallback, or "".
std::string preview(const std::optional<std::string>& raw) {
  if (!raw) return {};
  const std::string line = inline_value(raw, kFallbackPreview);
  return line.empty() ? std::string() : ": " + line;
}

void push(json& blocks, json block) {
  if (!block.is_null()) blocks.push_back(std::move(block));
}

}  // namespace

Message reply_message(const EventView& view, const Link& link) {
  Message m;
  const std::string lead = lead_text(view);
  const std::string campaign = campaign_text(view);
  m.fallback = "New reply from " + (lead.empty() ? "a lead" : lead) +
               (campaign.empty() ? "" : " in " + campaign) + preview(view.reply_text);
  m.main.push_back(header(":speech_balloon: New reply"));
  push(m.main, fields_section({{"Lead", lead_field(view)},
                               {"Campaign", campaign},
                               {"Sequence step", step_text(view)},
                               {"Subject", inline_value(view.subject)}}));
  m.main.push_back(quoted_body(view.reply_text, "The reply has no text."));
  m.context = standard_context(view, link, "Open in SmartLead inbox");
  return m;
}

Message untracked_reply_message(const EventView& view, const Link& link) {
  Message m;
  const std::string sender = inline_value(view.sender);
  m.fallback = "Untracked reply" + (sender.empty() ? "" : " from " + sender) +
               preview(view.reply_text);
  m.main.push_back(header(":incoming_envelope: Untracked reply"));
  push(m.main, fields_section({{"From", sender},
                               {"To", inline_value(view.mailbox)},
                               {"Cc", inline_value(view.cc)},
                               {"Subject", inline_value(view.subject)},
                               {"Attachment", view.has_attachment ? "yes" : ""}}));
  m.main.push_back(quoted_body(view.reply_text, "The reply has no text."));
  // The mailbox is already a field ("To").
  EventView without_mailbox = view;
  without_mailbox.mailbox.reset();
  m.context = standard_context(without_mailbox, link, "Open in SmartLead inbox");
  return m;
}

Message bounce_message(const EventView& view, const Link& link) {
  Message m;
  const std::string email = inline_value(view.lead_email);
  const std::string campaign = campaign_text(view);
  m.fallback = "Email to " + (email.empty() ? "a lead" : email) + " bounced" +
               (campaign.empty() ? "" : " (" + campaign + ")") + preview(view.bounce_text);
  m.main.push_back(header(":no_entry: Email bounced"));
  push(m.main, fields_section({{"Lead", lead_field(view)},
                               {"Campaign", campaign},
                               {"Sequence step", step_text(view)},
                               {"Bounce type", inline_value(view.bounce_type)},
                               {"Subject", inline_value(view.subject)}}));
  m.main.push_back(quoted_body(view.bounce_text, "No bounce notice text."));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

}  // namespace slwd::handlers::slack
