// Something about a lead or a campaign changed: a header, the change in one line where there
// is one, who and where as fields, and the context line (link, mailbox, time).
#include "slack_messages.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

using nlohmann::json;

constexpr std::string_view kArrow = " \xE2\x86\x92 ";  // " → "

void push(json& blocks, json block) {
  if (!block.is_null()) blocks.push_back(std::move(block));
}

std::string bold(const std::string& escaped) {
  return escaped.empty() ? escaped : "*" + escaped + "*";
}

// "*old* → *new*", "now *new*", "was *old*" or "" for a change of something.
std::string change_line(const std::string& old_value, const std::string& new_value) {
  if (!old_value.empty() && !new_value.empty())
    return bold(old_value) + std::string(kArrow) + bold(new_value);
  if (!new_value.empty()) return "Now " + bold(new_value);
  if (!old_value.empty()) return "Was " + bold(old_value);
  return {};
}

}  // namespace

Message unsubscribe_message(const EventView& view, const Link& link) {
  Message m;
  const std::string lead = lead_text(view);
  const std::string campaign = campaign_text(view);
  m.fallback = (lead.empty() ? "A lead" : lead) + " unsubscribed" +
               (campaign.empty() ? "" : " from " + campaign);
  m.main.push_back(header(":no_bell: Lead unsubscribed"));
  push(m.main, fields_section({{"Lead", lead_field(view)},
                               {"Campaign", campaign},
                               {"Sequence step", step_text(view)},
                               {"Subject", inline_value(view.subject)}}));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

Message category_message(const EventView& view, const Link& link) {
  Message m;
  const std::string lead = lead_text(view);
  const std::string campaign = campaign_text(view);
  const std::string category = inline_value(view.category);
  const std::string old_category = inline_value(view.old_category);
  m.fallback = (lead.empty() ? "A lead" : lead) +
               (category.empty() ? " changed category" : " is now " + category) +
               (old_category.empty() ? "" : " (was " + old_category + ")") +
               (campaign.empty() ? "" : " in " + campaign);
  m.main.push_back(header(":label: Lead category updated"));
  if (auto line = change_line(old_category, category); !line.empty()) m.main.push_back(section(line));
  push(m.main, fields_section({{"Lead", lead_field(view)},
                               {"Campaign", campaign},
                               {"Sentiment", inline_value(view.sentiment)}}));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

Message campaign_status_message(const EventView& view, const Link& link) {
  Message m;
  const std::string campaign = campaign_text(view);
  const std::string status = inline_value(view.campaign_status);
  const std::string old_status = inline_value(view.old_status);
  m.fallback = (campaign.empty() ? std::string("A campaign") : "Campaign " + campaign) +
               (status.empty() ? " changed status" : " is now " + status) +
               (old_status.empty() ? "" : " (was " + old_status + ")");
  m.main.push_back(header(":vertical_traffic_light: Campaign status changed"));
  std::string line = bold(campaign.empty() ? std::string("Campaign") : campaign);
  if (view.campaign_name && view.campaign_id) line += " (id " + inline_value(view.campaign_id, 40) + ")";
  if (auto change = change_line(old_status, status); !change.empty()) line += "\n" + change;
  m.main.push_back(section(line));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

Message manual_step_message(const EventView& view, const Link& link) {
  Message m;
  const std::string lead = lead_text(view);
  const std::string campaign = campaign_text(view);
  const std::string step = step_text(view);
  m.fallback = "Manual step" + (step.empty() ? "" : " " + step) + " reached for " +
               (lead.empty() ? "a lead" : lead) + (campaign.empty() ? "" : " in " + campaign);
  m.main.push_back(header(":raised_hand: Manual step reached"));
  push(m.main, fields_section({{"Lead", lead_field(view)},
                               {"Campaign", campaign},
                               {"Sequence step", step}}));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

}  // namespace slwd::handlers::slack
