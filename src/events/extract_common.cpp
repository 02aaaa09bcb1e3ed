#include <string>

#include "slwd/events/extract.hpp"

namespace slwd::events {
namespace {

// to_name, else lead_name, else "first last" from the nested lead (or lead_data) object.
std::optional<std::string> lead_name(const FieldReader& in) {
  if (auto name = in.text({"to_name", "lead_name"})) return name;
  for (std::string_view obj : {std::string_view("lead"), std::string_view("lead_data")}) {
    auto first = in.text({{obj, "first_name"}});
    auto last = in.text({{obj, "last_name"}});
    if (first && last) return *first + ' ' + *last;
    if (first) return first;
    if (last) return last;
  }
  return std::nullopt;
}

}  // namespace

void extract_common(const FieldReader& in, Common& out) {
  out.campaign_id = in.id({"campaign_id"});
  out.campaign_name = in.text({"campaign_name"});
  out.lead_email = in.text({"to_email", "lead_email", {"lead_data", "email"}, {"lead", "email"}});
  out.lead_name = lead_name(in);
  // `category` is a plain name in the deprecated generation; some relays send {name: ...}.
  out.category = in.text({{"lead_category", "new_name"},
                          "category",
                          {"category", "name"},
                          {"lead_data", "category", "name"}});
  out.timestamp = in.text(
      {"event_timestamp", "time_sent", "time_opened", "time_clicked", "time_replied", "timestamp"});
}

}  // namespace slwd::events
