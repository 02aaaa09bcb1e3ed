#include "slwd/delivery/routing.hpp"

#include <gtest/gtest.h>

#include "slwd/delivery/dispatcher.hpp"

namespace slwd::delivery {
namespace {

events::Common event(std::string type, std::optional<std::string> campaign,
                     std::optional<std::string> category) {
  events::Common c;
  c.event_type = std::move(type);
  c.campaign_id = std::move(campaign);
  c.category = std::move(category);
  return c;
}

TEST(Filter, EmptyFilterMatchesEverything) {
  EXPECT_TRUE(filter_matches({}, event("EMAIL_OPEN", std::nullopt, std::nullopt), ""));
}

TEST(Filter, AndAcrossKeysOrWithinAList) {
  config::FilterConfig f;
  f.campaign_id = {"123", "456"};
  f.level = {"campaign", "user"};
  EXPECT_TRUE(filter_matches(f, event("EMAIL_REPLY", "456", std::nullopt), "user"));
  EXPECT_FALSE(filter_matches(f, event("EMAIL_REPLY", "789", std::nullopt), "user"));
  EXPECT_FALSE(filter_matches(f, event("EMAIL_REPLY", "123", std::nullopt), "client"));
}

TEST(Filter, MissingFieldsNeverMatchAKeyThatIsSet) {
  config::FilterConfig f;
  f.category = {"Interested"};
  EXPECT_FALSE(filter_matches(f, event("LEAD_CATEGORY_UPDATED", "1", std::nullopt), ""));
  config::FilterConfig l;
  l.level = {"campaign"};
  EXPECT_FALSE(filter_matches(l, event("EMAIL_OPEN", "1", std::nullopt), ""));
}

TEST(Filter, CategoryAndLevelIgnoreCaseAndIdsCompareAsNumbers) {
  config::FilterConfig f;
  f.category = {"meeting booked"};
  f.campaign_id = {"0123"};
  f.level = {"CAMPAIGN"};
  EXPECT_TRUE(filter_matches(f, event("X", "123", "Meeting Booked"), "campaign"));
  EXPECT_FALSE(filter_matches(f, event("X", "1230", "Meeting Booked"), "campaign"));
}

TEST(Filter, EventTypeKeyAcceptsAliases) {
  config::FilterConfig f;
  f.event_type = {"EMAIL_REPLIED"};
  EXPECT_TRUE(filter_matches(f, event("EMAIL_REPLY", std::nullopt, std::nullopt), ""));
  EXPECT_FALSE(filter_matches(f, event("EMAIL_OPEN", std::nullopt, std::nullopt), ""));
}

TEST(Route, EndpointListThenEventsThenFilter) {
  config::Config c;
  config::HandlerConfig all;
  all.name = "all-events";
  all.type = "log";
  config::HandlerConfig replies;
  replies.name = "replies";
  replies.type = "log";
  replies.events = std::vector<std::string>{"EMAIL_REPLY"};
  config::HandlerConfig hot;
  hot.name = "hot";
  hot.type = "log";
  hot.filter.category = {"Interested"};
  c.handlers = {all, replies, hot};
  config::EndpointConfig everything;
  everything.handlers = {"all"};
  config::EndpointConfig only_hot;
  only_hot.handlers = {"hot"};

  auto reply = event("EMAIL_REPLY", "1", "Interested");
  EXPECT_EQ(route(c, everything, reply, ""),
            (std::vector<std::string>{"all-events", "replies", "hot"}));
  EXPECT_EQ(route(c, only_hot, reply, ""), (std::vector<std::string>{"hot"}));
  auto open = event("EMAIL_OPEN", "1", std::nullopt);
  EXPECT_EQ(route(c, everything, open, ""), (std::vector<std::string>{"all-events"}));
  auto unknown = event("SOMETHING_NEW", std::nullopt, std::nullopt);
  EXPECT_EQ(route(c, everything, unknown, ""), (std::vector<std::string>{"all-events"}));
}

TEST(RateLimit, TypeDefaultsAndOverrides) {
  config::HandlerConfig slack;
  slack.type = "slack";
  ASSERT_TRUE(rate_limit_of(slack));
  EXPECT_EQ(rate_limit_of(slack)->per_second, 1);
  EXPECT_EQ(rate_limit_of(slack)->burst, 5);
  config::HandlerConfig http;
  http.type = "http";
  EXPECT_FALSE(rate_limit_of(http));
  http.rate_limit = config::RateLimit{50, 10};
  EXPECT_EQ(rate_limit_of(http)->per_second, 50);
}

}  // namespace
}  // namespace slwd::delivery
