// The handlers recorded with an accepted delivery: the endpoint's list (or `all`), narrowed by
// each handler's `events` and `filter` (SPEC §3, §6), decided at record time.
#include <gtest/gtest.h>

#include "receiver_fixture.hpp"
#include "slwd/delivery/routing.hpp"
#include "slwd/events/event.hpp"

namespace slwd::http {
namespace {

using namespace test;

class ReceiverRouting : public ::testing::Test {
 protected:
  ReceiverRouting() {
    config_->handlers.clear();
    config_->handlers.push_back(handler("every"));
    config_->handlers.push_back(handler("opens", std::vector<std::string>{"EMAIL_OPEN"}));
    config_->handlers.push_back(
        handler("replies", std::vector<std::string>{"EMAIL_REPLY", "LEAD_UNSUBSCRIBED"}));
  }

  std::vector<std::string> routed(const std::string& body,
                                  std::optional<std::string> level = std::nullopt) {
    auto head = signed_post(body);
    head.level = std::move(level);
    const auto d = Receiver(config_).decide(head, body, 1);
    if (!std::holds_alternative<Accept>(d)) {
      ADD_FAILURE() << "not accepted: " << body;
      return {};
    }
    const auto& delivery = std::get<Accept>(d).delivery;
    // Whatever the case, it is exactly what delivery::route says for this event and level.
    const auto parsed = events::parse_event(body);
    EXPECT_EQ(delivery.handlers, delivery::route(*config_, config_->endpoints.front(),
                                                 parsed.event->common, delivery.level));
    return delivery.handlers;
  }

  std::shared_ptr<config::Config> config_ = base_config();
};

using Names = std::vector<std::string>;

TEST_F(ReceiverRouting, AllHandlersNarrowedByEvents) {
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY"})"), (Names{"every", "replies"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_OPEN"})"), (Names{"every", "opens"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_OPENED"})"), (Names{"every", "opens"}));  // alias
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_SENT"})"), (Names{"every"}));
  // Unknown types go to handlers whose `events` is left out.
  EXPECT_EQ(routed(R"({"event_type":"BRAND_NEW_EVENT"})"), (Names{"every"}));
}

TEST_F(ReceiverRouting, EndpointHandlerListLimitsTheChoice) {
  config_->endpoints.front().handlers = {"replies", "opens"};
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY"})"), (Names{"replies"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_OPEN"})"), (Names{"opens"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_SENT"})"), (Names{}));
}

TEST_F(ReceiverRouting, LevelFilterSeesTheLowercasedLevel) {
  config_->handlers.clear();
  config_->handlers.push_back(handler("campaign-only"));
  config_->handlers.back().filter.level = {"campaign"};
  config_->handlers.push_back(handler("every"));
  const std::string body = R"({"event_type":"EMAIL_REPLY"})";
  EXPECT_EQ(routed(body, "Campaign"), (Names{"campaign-only", "every"}));
  EXPECT_EQ(routed(body, "campaign"), (Names{"campaign-only", "every"}));
  EXPECT_EQ(routed(body, "user"), (Names{"every"}));
  EXPECT_EQ(routed(body), (Names{"every"}));  // no level: a level filter does not match
}

TEST_F(ReceiverRouting, CampaignFilter) {
  config_->handlers.clear();
  config_->handlers.push_back(handler("c123"));
  config_->handlers.back().filter.campaign_id = {"123", "456"};
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY","campaign_id":123})"), (Names{"c123"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY","campaign_id":"456"})"), (Names{"c123"}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY","campaign_id":789})"), (Names{}));
  EXPECT_EQ(routed(R"({"event_type":"EMAIL_REPLY"})"), (Names{}));
}

}  // namespace
}  // namespace slwd::http
