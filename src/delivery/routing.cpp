#include "slwd/delivery/routing.hpp"

#include <algorithm>
#include <cctype>

namespace slwd::delivery {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "0123" and "123" are the same campaign; config keeps ids as decimal text, events too.
std::string_view strip_leading_zeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

bool id_equals(std::string_view a, std::string_view b) {
  return strip_leading_zeros(a) == strip_leading_zeros(b);
}

template <typename Eq>
bool key_matches(const std::vector<std::string>& wanted, const std::optional<std::string>& actual,
                 Eq eq) {
  if (wanted.empty()) return true;           // no condition on this key
  if (!actual) return false;                 // missing or null never matches a condition
  return std::any_of(wanted.begin(), wanted.end(),
                     [&](const std::string& w) { return eq(w, *actual); });
}

}  // namespace

bool filter_matches(const config::FilterConfig& filter, const events::Common& event,
                    std::string_view level) {
  std::optional<std::string> lvl;
  if (!level.empty()) lvl = std::string(level);
  std::optional<std::string> type = event.event_type;
  return key_matches(filter.campaign_id, event.campaign_id, id_equals) &&
         key_matches(filter.category, event.category, iequals) &&
         key_matches(filter.level, lvl, iequals) &&
         key_matches(filter.event_type, type, [](std::string_view w, std::string_view a) {
           auto canonical = events::canonical_event_type(w);
           return canonical ? *canonical == a : w == a;
         });
}

bool handler_wants(const config::HandlerConfig& handler, const events::Common& event,
                   std::string_view level) {
  if (handler.events &&
      std::find(handler.events->begin(), handler.events->end(), event.event_type) ==
          handler.events->end()) {
    return false;
  }
  return filter_matches(handler.filter, event, level);
}

std::vector<std::string> route(const config::Config& config, const config::EndpointConfig& endpoint,
                               const events::Common& event, std::string_view level) {
  std::vector<std::string> out;
  for (const auto& name : config.handlers_of(endpoint)) {
    const auto* handler = config.find_handler(name);
    if (handler && handler_wants(*handler, event, level)) out.push_back(name);
  }
  return out;
}

}  // namespace slwd::delivery
