#include "slwd/events/template.hpp"

#include <algorithm>

namespace slwd::events {
namespace {

constexpr std::size_t kMaxShownName = 40;  // an error quotes at most this much of a bad name

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool is_known(std::string_view name) {
  const auto& all = template_placeholders();
  return std::any_of(all.begin(), all.end(), [&](const auto& p) { return p.name == name; });
}

// The name as an error message shows it: bounded, on one line, never splitting UTF-8.
std::string shown(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (out.size() >= kMaxShownName && (static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) {
      out += "...";
      break;
    }
    const char c = name[i];
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

}  // namespace

const std::vector<TemplatePlaceholder>& template_placeholders() {
  static const std::vector<TemplatePlaceholder> kAll = {
      {"event_type", "the canonical event type (the raw name for unknown types)"},
      {"delivery_id", "the daemon's delivery id"},
      {"timestamp", "the event time as SmartLead sent it"},
      {"campaign_id", "the campaign id"},
      {"campaign_name", "the campaign name"},
      {"campaign_status", "the campaign's (new) status"},
      {"old_status", "the previous campaign status (CAMPAIGN_STATUS_CHANGED)"},
      {"lead", "the lead as \"Name (email)\", or whichever of the two is known"},
      {"lead_name", "the lead's name"},
      {"lead_email", "the lead's email address"},
      {"category", "the lead's (new) category"},
      {"old_category", "the previous category (LEAD_CATEGORY_UPDATED)"},
      {"sequence_number", "the sequence step"},
      {"subject", "the email subject"},
      {"mailbox", "your sending mailbox (UNTRACKED_REPLIES: the mailbox that got the reply)"},
      {"sender", "who wrote an untracked reply, e.g. \"Ann <ann@example.com>\""},
      {"reply_text", "the reply as plain text, quoted history dropped, at most 2,000 characters"},
      {"bounce_text", "the bounce notice as plain text, at most 2,000 characters"},
      {"links", "the clicked links, comma-separated (EMAIL_LINK_CLICK)"},
      {"app_url", "the SmartLead link the message points to (empty when there is none)"},
  };
  return kAll;
}

std::string template_placeholder_list() {
  std::string list;
  for (const auto& p : template_placeholders()) {
    if (!list.empty()) list += ", ";
    list += p.name;
  }
  return list;
}

std::string MessageTemplate::render(
    const std::function<std::string(std::string_view name)>& value_of) const {
  std::string out;
  for (const auto& piece : pieces) out += piece.placeholder ? value_of(piece.text) : piece.text;
  return out;
}

TemplateParse parse_template(std::string_view text) {
  TemplateParse result;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    // Slack refuses a message without text; an operator who wants the built-in message
    // leaves the key out.
    result.error = "empty template (leave the key out for the built-in message)";
    return result;
  }
  MessageTemplate parsed;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t open = text.find("{{", at);
    if (open == std::string_view::npos) {
      parsed.pieces.push_back({false, std::string(text.substr(at))});
      break;
    }
    if (open > at) parsed.pieces.push_back({false, std::string(text.substr(at, open - at))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      result.error = "unclosed {{ (a placeholder looks like {{lead_email}})";
      return result;
    }
    const std::string_view name = trim_blanks(text.substr(open + 2, close - open - 2));
    if (name.empty()) {
      result.error = "empty placeholder {{}} (known: " + template_placeholder_list() + ")";
      return result;
    }
    if (!is_known(name)) {
      result.error = "unknown placeholder {{" + shown(name) +
                     "}} (known: " + template_placeholder_list() + ")";
      return result;
    }
    parsed.pieces.push_back({true, std::string(name)});
    at = close + 2;
  }
  result.value = std::move(parsed);
  return result;
}

}  // namespace slwd::events
