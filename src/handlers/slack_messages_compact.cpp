// One line per event for the frequent types (sent, first sent, open, click) and for types this
// build does not know: a channel that subscribes to them should not fill up with cards.
#include "slack_messages.hpp"
#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

constexpr std::string_view kDot = " \xC2\xB7 ";  // " · "
constexpr std::size_t kMaxLinksShown = 3;

std::string quoted_subject(const EventView& view) {
  const std::string subject = inline_value(view.subject, 120);
  return subject.empty() ? std::string() : " \xE2\x80\x9C" + subject + "\xE2\x80\x9D";  // “…”
}

std::string lead_or(const EventView& view, std::string_view otherwise) {
  const std::string lead = lead_text(view);
  return lead.empty() ? std::string(otherwise) : lead;
}

std::string clicked_links(const EventView& view) {
  std::string out;
  for (std::size_t i = 0; i < view.links.size() && i < kMaxLinksShown; ++i) {
    out += i ? ", " : " ";
    out += inline_value(view.links[i], 300);
  }
  if (view.links.size() > kMaxLinksShown)
    out += " and " + std::to_string(view.links.size() - kMaxLinksShown) + " more";
  return out;
}

struct Line {
  std::string_view emoji;
  std::string sentence;  // escaped mrkdwn, no emoji: also the fallback
};

Line line_of(const EventView& view) {
  const std::string& type = view.event_type;
  if (type == "EMAIL_SENT")
    return {":outbox_tray:", "Sent" + quoted_subject(view) + " to " + lead_or(view, "a lead")};
  if (type == "FIRST_EMAIL_SENT")
    return {":rocket:", "First email" + quoted_subject(view) + " sent to " + lead_or(view, "a lead")};
  if (type == "EMAIL_OPEN")
    return {":eyes:", lead_or(view, "A lead") + " opened" + quoted_subject(view)};
  if (type == "EMAIL_LINK_CLICK")
    return {":link:", lead_or(view, "A lead") + " clicked" +
                          (view.links.empty() ? std::string(" a link") : clicked_links(view))};
  std::string sentence = "SmartLead event *" + inline_value(view.event_type, 80) + "*";
  if (auto lead = lead_text(view); !lead.empty()) sentence += " for " + lead;
  return {":grey_question:", sentence};
}

}  // namespace

Message compact_message(const EventView& view, const Link& link) {
  Message m;
  m.compact = true;
  Line line = line_of(view);
  if (auto campaign = campaign_text(view); !campaign.empty()) line.sentence += std::string(kDot) + campaign;
  if (auto step = step_text(view); !step.empty()) line.sentence += std::string(kDot) + "step " + step;
  m.fallback = line.sentence;
  std::string text = std::string(line.emoji) + " " + line.sentence;
  if (link) text += std::string(kDot) + mrkdwn_link(*link, "Open in SmartLead");
  m.main.push_back(section(text));
  m.context = standard_context(view, link, "Open in SmartLead");
  return m;
}

}  // namespace slwd::handlers::slack
