#pragma once
// One flat view of a typed event (SPEC §5) with what Slack messages and templates show, so the
// message builders and the template values read the same fields the same way. Values are raw
// (unescaped) text; texts of emails are already readable plain text.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slwd/events/event.hpp"

namespace slwd::handlers::slack {

// Reply and bounce texts kept for a message; Slack shows at most 3,000 characters of a section.
inline constexpr std::size_t kMaxEmailText = 2000;

struct EventView {
  std::string event_type;  // canonical, or the raw name of an unknown type
  bool known = false;      // one of the 11 types
  std::string delivery_id;

  std::optional<std::string> campaign_id;
  std::optional<std::string> campaign_name;
  std::optional<std::string> campaign_status;  // the new one for CAMPAIGN_STATUS_CHANGED
  std::optional<std::string> old_status;
  std::optional<std::string> lead_name;
  std::optional<std::string> lead_email;
  std::optional<std::string> lead_map_id;
  std::optional<std::string> category;
  std::optional<std::string> old_category;
  std::optional<std::string> sentiment;
  std::optional<std::string> timestamp;
  std::optional<std::int64_t> sequence_number;
  std::optional<std::string> subject;
  std::optional<std::string> mailbox;  // our sending mailbox; untracked: the one replied to
  std::optional<std::string> sender;   // untracked replies: who wrote
  std::optional<std::string> cc;
  bool has_attachment = false;
  std::optional<std::string> reply_text;   // plain, quoted history dropped, <= kMaxEmailText
  std::optional<std::string> bounce_text;  // plain, <= kMaxEmailText
  std::optional<std::string> bounce_type;
  std::vector<std::string> links;
  std::optional<std::string> app_url;  // the link SmartLead sent (app_url / ui_master_inbox_link)
};

EventView view_of(const events::Event& event, std::string_view delivery_id);

// The SmartLead page a message links to: the link SmartLead sent when it is an http(s) URL;
// else one built from the handler's `app_url` (the lead in the master inbox, the master inbox
// for replies, the campaign's analytics); else nullopt. Already in link_url() form.
std::optional<std::string> smartlead_link(const EventView& view, std::string_view handler_app_url);

}  // namespace slwd::handlers::slack
