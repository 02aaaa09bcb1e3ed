#include "slack_event_view.hpp"

#include <algorithm>
#include <type_traits>

#include "slack_html.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

using namespace slwd::events;

std::optional<std::string> non_empty(std::string text) {
  if (trim(text).empty()) return std::nullopt;
  return text;
}

// The message's text as shown: readable, bounded before it is ever escaped.
std::optional<std::string> email_text(const Message& message, bool drop_quotes) {
  std::string text =
      visible_text(message.text.value_or(""), message.html.value_or(""), drop_quotes);
  return non_empty(truncate_text(text, kMaxEmailText, false));
}

void read_email(const EmailFields& email, EventView& view) {
  view.subject = email.subject;
  view.sequence_number = email.sequence_number;
  view.mailbox = email.from_email;
  view.lead_map_id = email.lead_map_id;
  view.campaign_status = email.campaign_status;
  view.app_url = email.app_url;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

EventView view_of(const Event& event, std::string_view delivery_id) {
  EventView view;
  const Common& common = event.common;
  view.event_type = common.event_type;
  view.known = !std::holds_alternative<UnknownEvent>(event.detail);
  view.delivery_id = std::string(delivery_id);
  view.campaign_id = common.campaign_id;
  view.campaign_name = common.campaign_name;
  view.lead_name = common.lead_name;
  view.lead_email = common.lead_email;
  view.category = common.category;
  view.timestamp = common.timestamp;

  std::visit(
      [&](const auto& d) {
        using T = std::decay_t<decltype(d)>;
        if constexpr (requires { d.email; }) read_email(d.email, view);
        if constexpr (std::is_same_v<T, EmailLinkClick>) view.links = d.links;
        if constexpr (std::is_same_v<T, EmailReply>) view.reply_text = email_text(d.reply, true);
        if constexpr (std::is_same_v<T, EmailBounce>) {
          // A bounce notice quotes the message it bounces; its diagnostic comes first anyway.
          view.bounce_text = email_text(d.bounce, false);
          view.bounce_type = d.bounce_type;
        }
        if constexpr (std::is_same_v<T, LeadCategoryUpdated>) {
          view.mailbox = d.from_email;
          view.old_category = d.old_category;
          view.sentiment = d.sentiment;
          view.campaign_status = d.campaign_status;
          view.app_url = d.app_url;
        }
        if constexpr (std::is_same_v<T, CampaignStatusChanged>) {
          view.old_status = d.old_status;
          view.campaign_status = d.new_status;
          view.app_url = d.app_url;
        }
        if constexpr (std::is_same_v<T, UntrackedReply>) {
          view.sender = d.sender;
          view.mailbox = d.recipient;
          view.cc = d.cc;
          view.subject = d.subject;
          view.has_attachment = d.has_attachment.value_or(false);
          view.reply_text = email_text(d.reply, true);
        }
        if constexpr (std::is_same_v<T, ManualStepReached>) {
          view.sequence_number = d.sequence_number;
          view.campaign_status = d.campaign_status;
          view.app_url = d.app_url;
        }
      },
      event.detail);
  return view;
}

std::optional<std::string> smartlead_link(const EventView& view, std::string_view handler_app_url) {
  if (view.app_url) {
    if (auto url = link_url(*view.app_url)) return url;
  }
  std::string base(trim(handler_app_url));
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.empty()) return std::nullopt;
  // The page paths SmartLead itself links to from its webhooks (app_url of the current format).
  if (view.lead_map_id && all_digits(*view.lead_map_id))
    return link_url(base + "/app/master-inbox?leadMap=" + *view.lead_map_id);
  if (view.event_type == "EMAIL_REPLY" || view.event_type == "UNTRACKED_REPLIES")
    return link_url(base + "/app/master-inbox");
  if (view.campaign_id && all_digits(*view.campaign_id))
    return link_url(base + "/app/email-campaign/" + *view.campaign_id + "/analytics");
  return std::nullopt;
}

}  // namespace slwd::handlers::slack
