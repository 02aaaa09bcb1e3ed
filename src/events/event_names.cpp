// The 11 canonical SmartLead webhook event types and the aliases older payloads use.
// Sources: api.smartlead.ai/api-reference/webhooks/events (the subscribable event_type_map
// names plus FIRST_EMAIL_SENT) and the older Smartlead-Public/docs page whose nested format
// spells five of them EMAIL_OPENED/EMAIL_CLICKED/EMAIL_REPLIED/EMAIL_BOUNCED/EMAIL_UNSUBSCRIBED.
#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "slwd/events/event.hpp"

namespace slwd::events {
namespace {

constexpr std::array<std::string_view, 11> kKnown = {
    "EMAIL_SENT",        "FIRST_EMAIL_SENT",      "EMAIL_OPEN",
    "EMAIL_LINK_CLICK",  "EMAIL_REPLY",           "EMAIL_BOUNCE",
    "LEAD_UNSUBSCRIBED", "LEAD_CATEGORY_UPDATED", "CAMPAIGN_STATUS_CHANGED",
    "UNTRACKED_REPLIES", "MANUAL_STEP_REACHED",
};

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kAliases = {{
    {"EMAIL_REPLIED", "EMAIL_REPLY"},
    {"EMAIL_OPENED", "EMAIL_OPEN"},
    {"EMAIL_CLICKED", "EMAIL_LINK_CLICK"},
    {"EMAIL_BOUNCED", "EMAIL_BOUNCE"},
    {"EMAIL_UNSUBSCRIBED", "LEAD_UNSUBSCRIBED"},
    {"CAMPAIGN_STATUS_CHANGE", "CAMPAIGN_STATUS_CHANGED"},
}};

// ASCII-only case folding: SmartLead sends upper case, but hand-written configs and
// third-party relays sometimes don't, and an exact-but-for-case name is not "unknown".
bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto up = [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; };
           return up(x) == up(y);
         });
}

}  // namespace

const std::array<std::string_view, 11>& known_event_types() {
  return kKnown;
}

std::optional<std::string_view> canonical_event_type(std::string_view name) {
  for (std::string_view known : kKnown) {
    if (iequals(name, known)) return known;
  }
  for (const auto& [alias, canonical] : kAliases) {
    if (iequals(name, alias)) return canonical;
  }
  return std::nullopt;
}

}  // namespace slwd::events
