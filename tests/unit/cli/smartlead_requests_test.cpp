// Request shapes, answer reading, input checks and the --from-config plan of
// `smartlead webhooks ...`, without a network.
#include <gtest/gtest.h>

#include "../../../src/cli/smartlead_answers.hpp"
#include "../../../src/cli/smartlead_client.hpp"
#include "../../../src/cli/smartlead_from_config.hpp"
#include "../../../src/cli/smartlead_input.hpp"
#include "../../../src/cli/smartlead_table.hpp"
#include "../../../src/cli/smartlead_url.hpp"
#include "../../../src/cli/smartlead_webhook_api.hpp"
#include "slwd/config/loader.hpp"

namespace slwd::cli {
namespace {

using nlohmann::json;

TEST(SmartleadRequests, CreateBodyPerLevel) {
  WebhookSpec spec{"n", "https://h/x", "campaign", 42, std::nullopt, {"EMAIL_REPLY"}, {3}};
  EXPECT_EQ(create_body(spec), json::parse(R"({"name":"n","webhook_url":"https://h/x",
    "association_type":"campaign","email_campaign_id":42,"event_type_map":{"EMAIL_REPLY":true},
    "category_id_map":{"3":true}})"));
  spec.level = "client";
  spec.client_id = 7;
  spec.categories.clear();
  EXPECT_EQ(create_body(spec), json::parse(R"({"name":"n","webhook_url":"https://h/x",
    "association_type":"client","client_id":7,"event_type_map":{"EMAIL_REPLY":true}})"));
}

TEST(SmartleadRequests, CallShapes) {
  auto del = delete_webhook_call(12);
  EXPECT_EQ(del.method, "DELETE");
  EXPECT_EQ(del.path, "/webhook/delete");
  EXPECT_EQ(*del.body, json({{"id", 12}}));
  auto upd = update_webhook_call(12, {"n", "https://h/x", {"EMAIL_OPEN"}, {}});
  EXPECT_EQ(upd.method, "PUT");
  EXPECT_EQ(upd.path, "/webhook/update/12");
  EXPECT_EQ(*upd.body, json::parse(R"({"name":"n","webhook_url":"https://h/x",
    "event_types":["EMAIL_OPEN"],"categories":[]})"));
  auto sum = webhook_summary_call(4, "a", "b");
  EXPECT_EQ(sum.path, "/campaigns/4/webhooks/summary");
  EXPECT_EQ(sum.query, (QueryParams{{"fromTime", "a"}, {"toTime", "b"}}));
  EXPECT_FALSE(sum.body);
  auto re = retrigger_failed_call(4, "a", "b");
  EXPECT_EQ(re.path, "/campaigns/4/webhooks/retrigger-failed-events");
  EXPECT_EQ(*re.body, json({{"fromTime", "a"}, {"toTime", "b"}}));
  EXPECT_EQ(get_webhook_call(9).what, "webhook 9");
}

TEST(SmartleadRequests, UrlsAndRedaction) {
  EXPECT_EQ(query_string({{"api_key", "a+b&c"}, {"fromTime", "2025-01-01T00:00:00+02:00"}}),
            "?api_key=a%2Bb%26c&fromTime=2025-01-01T00%3A00%3A00%2B02%3A00");
  EXPECT_EQ(redact("GET /x?api_key=k%2By and k+y", "k+y"), "GET /x?api_key=*** and ***");
  EXPECT_EQ(join_url("https://h/base/", "/hooks/a"), "https://h/base/hooks/a");
  EXPECT_EQ(join_url("https://h", "/hooks/a"), "https://h/hooks/a");
  EXPECT_TRUE(is_https_url("HTTPS://h/x"));
  EXPECT_FALSE(is_https_url("https:///x"));
  EXPECT_FALSE(is_http_url("ftp://h/x"));
}

TEST(SmartleadRequests, ErrorTextFromEveryShape) {
  EXPECT_EQ(smartlead_error_text(R"({"message":"Invalid API Key"})"), "Invalid API Key");
  EXPECT_EQ(smartlead_error_text(R"({"error":"webhook_url is required"})"), "webhook_url is required");
  EXPECT_EQ(smartlead_error_text(R"({"error":{"message":"deep"}})"), "deep");
  EXPECT_EQ(smartlead_error_text(R"({"errors":[{"message":"first"}]})"), "first");
  EXPECT_EQ(smartlead_error_text("plain text\nmore"), "plain text");
}

TEST(SmartleadAnswers, WrappedAndBareShapes) {
  auto wrapped = json::parse(R"({"success":true,"data":[{"id":"5","name":"a","webhook_url":"u",
    "event_type_map":{"EMAIL_OPEN":true,"EMAIL_SENT":false},"category_id_map":{"3":true}}]})");
  auto list = webhook_list(wrapped);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(webhook_id(list[0]), 5);
  EXPECT_EQ(webhook_events(list[0]), std::vector<std::string>{"EMAIL_OPEN"});
  EXPECT_EQ(webhook_categories(list[0]), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(webhook_list(json::parse(R"([{"id":1},{"id":2}])")).size(), 2u);
  EXPECT_EQ(webhook_list(json::parse(R"({"webhooks":[{"id":1}]})")).size(), 1u);
  EXPECT_EQ(webhook_id(json::parse(R"({"ok":true,"id":456})")), 456);
  EXPECT_EQ(webhook_id(json::parse(R"({"success":true,"data":{"id":457}})")), 457);
  EXPECT_FALSE(webhook_categories(json::parse(R"({"id":1})")));
}

TEST(SmartleadInput, EventTypesAreCanonicalAndOrdered) {
  EXPECT_EQ(parse_event_types({"email_replied", " EMAIL_SENT", "EMAIL_REPLY"}),
            (std::vector<std::string>{"EMAIL_SENT", "EMAIL_REPLY"}));
  EXPECT_EQ(parse_event_types({"all"}).size(), 11u);
  EXPECT_THROW(parse_event_types({"EMAIL_REPLY", "nope"}), UsageError);
  EXPECT_THROW(parse_event_types({""}), UsageError);
  EXPECT_THROW(parse_id("--campaign", "-3"), UsageError);
  EXPECT_THROW(parse_id("--campaign", "3x"), UsageError);
  EXPECT_EQ(parse_id("--campaign", "42"), 42);
  EXPECT_NO_THROW(check_time("--from", "2025-01-31T08:00:00.123+02:00"));
  EXPECT_NO_THROW(check_time("--from", "2025-01-31"));
  EXPECT_THROW(check_time("--from", "31/01/2025"), UsageError);
  EXPECT_THROW(check_webhook_url("--url", "http://h/x", false), UsageError);
  EXPECT_NO_THROW(check_webhook_url("--url", "http://h/x", true));
}

TEST(SmartleadTable, ColumnsAlign) {
  EXPECT_EQ(render_table({"ID", "NAME"}, {{"1", "alpha"}, {"1234", "b"}}),
            "ID    NAME\n1     alpha\n1234  b\n");
  EXPECT_EQ(render_answer(json::parse(R"({"total":3,"by":{"ok":2}})")), "by.ok: 2\ntotal: 3\n");
}

TEST(SmartleadFromConfig, OneWebhookPerEndpointWithTheUnionOfItsHandlersEvents) {
  auto loaded = config::load_config_text(R"(
endpoints:
  - path: /a
    secrets: ["s"]
    handlers: [replies, cats]
  - path: /b
    secrets: ["s"]
    handlers: [all]
  - path: /c
    secrets: ["s"]
    handlers: [cats]
handlers:
  - name: replies
    type: log
    events: [EMAIL_REPLIED, LEAD_CATEGORY_UPDATED]
  - name: cats
    type: log
    events: [LEAD_CATEGORY_UPDATED, EMAIL_OPEN]
    filter: { event_type: [LEAD_CATEGORY_UPDATED] }
  - name: everything
    type: log
)", "t.yaml", [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(loaded.config) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
  auto plan = plan_registrations(*loaded.config, "https://h.example.com/");
  ASSERT_EQ(plan.webhooks.size(), 3u);
  EXPECT_EQ(plan.webhooks[0].name, "smartlead-webhookd /a");
  EXPECT_EQ(plan.webhooks[0].url, "https://h.example.com/a");
  EXPECT_EQ(plan.webhooks[0].events,
            (std::vector<std::string>{"EMAIL_REPLY", "LEAD_CATEGORY_UPDATED"}));
  EXPECT_EQ(plan.webhooks[1].events.size(), 11u);
  EXPECT_EQ(plan.webhooks[2].events, std::vector<std::string>{"LEAD_CATEGORY_UPDATED"});
  EXPECT_TRUE(plan.skipped.empty());
}

}  // namespace
}  // namespace slwd::cli
