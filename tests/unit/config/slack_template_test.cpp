// `template:` of a slack handler is checked at load time, at the template's line, so
// `check-config` catches a typo before the daemon sends a broken message.
#include <gtest/gtest.h>

#include "slwd/events/template.hpp"
#include "test_support.hpp"

namespace slwd::config::test {
namespace {

TEST(SlackTemplateConfig, ValidTemplatesLoad) {
  auto result = load(R"(
endpoints:
  - path: /hook
    secrets: [s3cret]
handlers:
  - name: s
    type: slack
    url: https://hooks.slack.com/services/T/B/X
    template:
      EMAIL_REPLY: "Reply from {{ lead }} in {{campaign_name}}: {{reply_text}}"
      EMAIL_BOUNCED: |
        Bounce: {{lead_email}}
        {{bounce_text}}
)");
  ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  const auto& templates = result.config->handlers[0].templates;
  EXPECT_EQ(templates.at("EMAIL_REPLY"),
            "Reply from {{ lead }} in {{campaign_name}}: {{reply_text}}");
  EXPECT_EQ(templates.at("EMAIL_BOUNCE"), "Bounce: {{lead_email}}\n{{bounce_text}}\n");
}

TEST(SlackTemplateConfig, BadTemplatesAreReportedAtTheirLines) {
  auto result = load(R"(
endpoints:
  - path: /hook
    secrets: [s3cret]
handlers:
  - name: ok
    type: log
  - name: s
    type: slack
    url: https://hooks.slack.com/services/T000/B000/SECRETTOKEN
    template:
      EMAIL_REPLY: "fine {{lead_email}}"
      EMAIL_BOUNCE: "{{foo}} bounced"
      LEAD_UNSUBSCRIBED: "unclosed {{lead_email"
      MANUAL_STEP_REACHED: ""
)");
  EXPECT_FALSE(result.config);
  const std::string known = slwd::events::template_placeholder_list();
  EXPECT_EQ(messages(result),
            (std::vector<std::string>{
                "test.yaml:12: handlers[1].template.EMAIL_BOUNCE: unknown placeholder {{foo}} "
                "(known: " + known + ")",
                "test.yaml:13: handlers[1].template.LEAD_UNSUBSCRIBED: unclosed {{ (a placeholder "
                "looks like {{lead_email}})",
                "test.yaml:14: handlers[1].template.MANUAL_STEP_REACHED: empty template (leave "
                "the key out for the built-in message)"}));
  for (const auto& m : messages(result)) EXPECT_EQ(m.find("SECRETTOKEN"), std::string::npos);
}

TEST(SlackTemplateConfig, AnUnknownEventTypeIsReportedOnceNotAsATemplateError) {
  auto result = load(R"(
endpoints:
  - path: /hook
    secrets: [s3cret]
handlers:
  - name: s
    type: slack
    url: https://hooks.slack.com/services/T/B/X
    template: { NOPE: "{{foo}}" }
)");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("unknown event type \"NOPE\""), std::string::npos)
      << result.errors[0].message;
}

}  // namespace
}  // namespace slwd::config::test
