#include "log_handler.hpp"

#include "slwd/events/event.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::handlers {

void LogHandler::deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    auto parsed = events::parse_event(item.body);
    std::string campaign, email;
    if (parsed.event) {
      campaign = parsed.event->common.campaign_id.value_or("");
      email = parsed.event->common.lead_email.value_or("");
    }
    ops::log(ops::Level::info, "event",
             {{"handler", name_},
              {"event_type", item.event_type},
              {"delivery_id", item.delivery_id},
              {"campaign_id", campaign},
              {"lead_email", email},
              {"level", item.level}});
    outcomes[i] = Outcome{};
  }
}

}  // namespace slwd::handlers
