#include "slwd/events/json_member.hpp"

namespace slwd::events {

std::optional<simdjson::dom::element> last_member(simdjson::dom::element obj,
                                                  std::string_view key) noexcept {
  simdjson::dom::object members;
  if (obj.get_object().get(members) != simdjson::SUCCESS) return std::nullopt;
  // The whole object is walked, not stopped at the first match, so a later duplicate wins.
  std::optional<simdjson::dom::element> found;
  for (const simdjson::dom::key_value_pair member : members) {
    if (member.key == key) found = member.value;
  }
  return found;
}

std::optional<std::string_view> last_member_string(simdjson::dom::element obj,
                                                   std::string_view key) noexcept {
  const auto value = last_member(obj, key);
  std::string_view text;
  if (!value || value->get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return text;
}

}  // namespace slwd::events
