// What each event type's Slack message says (lead, campaign, text, link), that no SmartLead
// value can inject mrkdwn (mentions, links), that long values stay within Slack's limits, and
// templates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../../../src/handlers/slack_limits.hpp"
#include "../../../src/handlers/slack_payload.hpp"
#include "../../../src/handlers/slack_text.hpp"
#include "support/fake_slack.hpp"

namespace slwd::handlers::slack {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kEllipsisText = "\xE2\x80\xA6";

json fixture(const std::string& generation, const std::string& type) {
  std::ifstream in(fs::path(SLWD_FIXTURES_DIR) / "events" / generation / (type + ".json"));
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

PayloadOptions options(std::string app_url = "", std::map<std::string, std::string> templates = {}) {
  config::HandlerConfig c;
  c.app_url = std::move(app_url);
  c.templates = std::move(templates);
  return payload_options(c);
}

json payload_of(const json& body, const PayloadOptions& opts = options()) {
  store::WorkItem item;
  item.delivery_id = "dlv-1";
  item.event_type = body.value("event_type", "");
  item.body = body.dump();
  json payload = build_payload(item, opts);
  // Whatever a test builds must be something Slack would accept.
  EXPECT_EQ(test::FakeSlack::problem_with(serialize(payload)), "") << payload.dump(2);
  return payload;
}

// Every string in the payload, one per line: what a reader could see.
void collect(const json& j, std::string& out) {
  if (j.is_string()) {
    out += j.get<std::string>();
    out += '\n';
  } else if (j.is_structured()) {
    for (const auto& item : j) collect(item, out);
  }
}
std::string all_text(const json& payload) {
  std::string out;
  collect(payload, out);
  return out;
}

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> block_types(const json& payload) {
  std::vector<std::string> out;
  for (const auto& b : payload["blocks"]) out.push_back(b["type"]);
  return out;
}

#define EXPECT_HAS(text, needle) EXPECT_TRUE(has(text, needle)) << "no " << (needle) << " in:\n" << (text)

TEST(SlackMessages, ReplyShowsLeadCampaignStepSubjectTextAndInboxLink) {
  json p = payload_of(fixture("current", "EMAIL_REPLY"));
  const std::string text = p["text"];
  EXPECT_EQ(text,
            "New reply from David Carroll (david.carroll@lead.example) in Spring Outreach: Sounds "
            "good, send me a time.");
  EXPECT_EQ(block_types(p), (std::vector<std::string>{"header", "section", "section", "context"}));
  const std::string all = all_text(p);
  EXPECT_HAS(all, "*Lead*\nDavid Carroll\ndavid.carroll@lead.example");
  EXPECT_HAS(all, "*Campaign*\nSpring Outreach");
  EXPECT_HAS(all, "*Sequence step*\n2");
  EXPECT_HAS(all, "*Subject*\nRe: Intro: faster onboarding");
  EXPECT_EQ(p["blocks"][2]["text"]["text"], "> Sounds good, send me a time.");
  // SmartLead's own link wins over one built from the handler's app_url.
  EXPECT_HAS(all, "<https://app.smartlead.ai/app/master-inbox?leadMap=201455|Open in SmartLead inbox>");
  EXPECT_HAS(all, "Mailbox: maria@sender.example");
  EXPECT_HAS(all, "<!date^1709637600^");
  EXPECT_EQ(p["unfurl_links"], false);
  EXPECT_EQ(p["unfurl_media"], false);
}

TEST(SlackMessages, ReplyOfEveryGeneration) {
  std::string legacy = all_text(payload_of(fixture("legacy", "EMAIL_REPLY")));
  EXPECT_HAS(legacy, "> Not now, maybe Q3.");
  EXPECT_HAS(legacy, "David Carroll");
  EXPECT_HAS(legacy, "*Sequence step*\n2");
  EXPECT_HAS(legacy, "<https://app.smartlead.ai/app/master-inbox?leadMap=201455|");  // ui_master_inbox_link
  std::string nested = all_text(payload_of(fixture("nested", "EMAIL_REPLIED")));
  EXPECT_HAS(nested, "> Thanks for reaching out. I'm interested...");
  EXPECT_HAS(nested, "John Doe\nlead@example.com");
  EXPECT_HAS(nested, "Q1 Outreach");
  std::string envelope = all_text(payload_of(fixture("envelope", "EMAIL_REPLY")));
  EXPECT_HAS(envelope, "> Let's talk Thursday.");
}

TEST(SlackMessages, InboxLinkIsBuiltFromTheHandlersAppUrlOrLeftOut) {
  json body = fixture("current", "EMAIL_REPLY");
  body.erase("app_url");
  EXPECT_HAS(all_text(payload_of(body, options("https://app.smartlead.ai/"))),
             "<https://app.smartlead.ai/app/master-inbox?leadMap=201455|Open in SmartLead inbox>");
  body.erase("sl_email_lead_map_id");
  EXPECT_HAS(all_text(payload_of(body, options("https://app.smartlead.ai"))),
             "<https://app.smartlead.ai/app/master-inbox|Open in SmartLead inbox>");
  EXPECT_FALSE(has(all_text(payload_of(body)), "Open in SmartLead"));
  // A link SmartLead sent that is no http(s) URL is ignored, not shown.
  body["app_url"] = "javascript:alert(1)";
  EXPECT_FALSE(has(all_text(payload_of(body)), "javascript"));
}

TEST(SlackMessages, ReplyHtmlBecomesReadableTextWithoutHistory) {
  json body = fixture("current", "EMAIL_REPLY");
  body["reply_message"]["text"] = "";
  body["reply_message"]["html"] =
      "<div dir=\"ltr\">Tuesday 3pm works &amp; thanks!<br>David</div><br><div "
      "class=\"gmail_quote\"><div class=\"gmail_attr\">On Tue, Mar 5, 2024 Maria wrote:</div>"
      "<blockquote>Hi David, ...</blockquote></div>";
  json p = payload_of(body);
  EXPECT_EQ(p["blocks"][2]["text"]["text"], "> Tuesday 3pm works &amp; thanks!\n> David");
}

TEST(SlackMessages, ReplyWithoutTextSaysSo) {
  json body = fixture("current", "EMAIL_REPLY");
  body.erase("reply_message");
  json p = payload_of(body);
  EXPECT_EQ(p["blocks"][2]["text"]["text"], "_The reply has no text._");
}

TEST(SlackMessages, BounceShowsTheAddressAndBounceText) {
  json p = payload_of(fixture("current", "EMAIL_BOUNCE"));
  EXPECT_EQ(p["text"],
            "Email to david.carroll@lead.example bounced (Spring Outreach): 550 5.1.1 User unknown");
  const std::string all = all_text(p);
  EXPECT_HAS(all, "Email bounced");
  EXPECT_HAS(all, "> 550 5.1.1 User unknown");
  EXPECT_HAS(all, "david.carroll@lead.example");
  std::string legacy = all_text(payload_of(fixture("legacy", "EMAIL_BOUNCE")));
  EXPECT_HAS(legacy, "> Mailbox full");
  EXPECT_HAS(legacy, "*Subject*\nFollowing up");
  std::string nested = all_text(payload_of(fixture("nested", "EMAIL_BOUNCED")));
  EXPECT_HAS(nested, "Email bounced");
}

TEST(SlackMessages, Unsubscribe) {
  json p = payload_of(fixture("current", "LEAD_UNSUBSCRIBED"));
  EXPECT_EQ(p["text"], "David Carroll (david.carroll@lead.example) unsubscribed from Spring Outreach");
  EXPECT_HAS(all_text(p), "Lead unsubscribed");
  json legacy = payload_of(fixture("legacy", "LEAD_UNSUBSCRIBED"));
  EXPECT_EQ(legacy["text"], "Bob (bob@lead.example) unsubscribed from Spring Outreach");
}

TEST(SlackMessages, CategoryChangeShowsOldAndNew) {
  json p = payload_of(fixture("current", "LEAD_CATEGORY_UPDATED"));
  EXPECT_EQ(p["text"],
            "David Carroll (david.carroll@lead.example) is now Interested (was Out Of Office) in "
            "Spring Outreach");
  EXPECT_EQ(p["blocks"][1]["text"]["text"], "*Out Of Office* \xE2\x86\x92 *Interested*");
  EXPECT_HAS(all_text(p), "*Sentiment*\npositive");
  json legacy = payload_of(fixture("legacy", "LEAD_CATEGORY_UPDATED"));
  EXPECT_EQ(legacy["blocks"][1]["text"]["text"], "Now *Meeting Booked*");
}

TEST(SlackMessages, CampaignStatusShowsPreviousAndCurrent) {
  json p = payload_of(fixture("current", "CAMPAIGN_STATUS_CHANGED"));
  EXPECT_EQ(p["text"], "Campaign 377 testing manual step is now ACTIVE (was PAUSED)");
  EXPECT_EQ(p["blocks"][1]["text"]["text"],
            "*377 testing manual step* (id 377)\n*PAUSED* \xE2\x86\x92 *ACTIVE*");
  EXPECT_HAS(all_text(p), "<https://app.smartlead.ai/app/email-campaign/377/analytics|Open in SmartLead>");
  json legacy = payload_of(fixture("legacy", "CAMPAIGN_STATUS_CHANGED"));
  EXPECT_EQ(legacy["text"], "Campaign Autumn push is now COMPLETED");
}

TEST(SlackMessages, UntrackedReplyShowsSenderSubjectAndText) {
  json p = payload_of(fixture("current", "UNTRACKED_REPLIES"), options("https://app.smartlead.ai"));
  EXPECT_EQ(p["text"], "Untracked reply from Sunita Soy &lt;sunita@lead.example&gt;: Hi");
  const std::string all = all_text(p);
  EXPECT_HAS(all, "*From*\nSunita Soy &lt;sunita@lead.example&gt;");
  EXPECT_HAS(all, "*To*\nmaria@sender.example");
  EXPECT_HAS(all, "*Subject*\nUntracked replies");
  EXPECT_HAS(all, "> Hi");
  EXPECT_HAS(all, "<https://app.smartlead.ai/app/master-inbox|Open in SmartLead inbox>");
  EXPECT_FALSE(has(all, "*Cc*"));  // empty in the fixture
  std::string legacy = all_text(payload_of(fixture("legacy", "UNTRACKED_REPLIES")));
  EXPECT_HAS(legacy, "> Please remove me.");
  EXPECT_HAS(legacy, "*Attachment*\nyes");
}

TEST(SlackMessages, ManualStep) {
  json p = payload_of(fixture("current", "MANUAL_STEP_REACHED"));
  EXPECT_EQ(p["text"], "Manual step 2 reached for Sukhvir Kaur (sukhvir@lead.example) in test56778");
  json legacy = payload_of(fixture("legacy", "MANUAL_STEP_REACHED"));
  EXPECT_EQ(legacy["text"],
            "Manual step 3 reached for Sukhvir Kaur (sukhvir@lead.example) in Spring Outreach");
}

TEST(SlackMessages, FrequentTypesAreOneLine) {
  const std::map<std::string, std::string> expected = {
      {"EMAIL_SENT",
       ":outbox_tray: Sent \xE2\x80\x9CIntro: faster onboarding\xE2\x80\x9D to David Carroll "
       "(david.carroll@lead.example) \xC2\xB7 Spring Outreach \xC2\xB7 step 1"},
      {"FIRST_EMAIL_SENT",
       ":rocket: First email \xE2\x80\x9CIntro: faster onboarding\xE2\x80\x9D sent to David "
       "Carroll (david.carroll@lead.example) \xC2\xB7 Spring Outreach \xC2\xB7 step 1"},
      {"EMAIL_OPEN",
       ":eyes: David Carroll (david.carroll@lead.example) opened \xE2\x80\x9CIntro: faster "
       "onboarding\xE2\x80\x9D \xC2\xB7 Spring Outreach \xC2\xB7 step 1"},
      {"EMAIL_LINK_CLICK",
       ":link: David Carroll (david.carroll@lead.example) clicked https://product.example/demo, "
       "https://product.example/pricing \xC2\xB7 Spring Outreach \xC2\xB7 step 1"},
  };
  for (const auto& [type, line] : expected) {
    json body = fixture("current", type);
    body.erase("app_url");
    json p = payload_of(body);
    ASSERT_EQ(p["blocks"].size(), 1u) << type;
    EXPECT_EQ(p["blocks"][0]["text"]["text"], line) << type;
    EXPECT_EQ(p["text"], line.substr(line.find(' ') + 1)) << type;  // without the emoji
  }
  // With a link it goes on the same line.
  json p = payload_of(fixture("current", "EMAIL_OPEN"));
  ASSERT_EQ(p["blocks"].size(), 1u);
  EXPECT_HAS(p["blocks"][0]["text"]["text"].get<std::string>(),
             " \xC2\xB7 <https://app.smartlead.ai/app/master-inbox?leadMap=201455|Open in SmartLead>");
}

TEST(SlackMessages, UnknownTypesAreOneLineNamingTheType) {
  json p = payload_of(json{{"event_type", "EMAIL_ACCOUNT_DISCONNECTED"},
                           {"campaign_name", "Spring Outreach"},
                           {"lead_email", "a@b.example"}});
  ASSERT_EQ(p["blocks"].size(), 1u);
  EXPECT_EQ(p["text"],
            "SmartLead event *EMAIL_ACCOUNT_DISCONNECTED* for a@b.example \xC2\xB7 Spring Outreach");
  // A body that does not parse (any more) still names the recorded type.
  store::WorkItem item;
  item.event_type = "EMAIL_REPLY";
  item.body = "not json";
  EXPECT_HAS(all_text(build_payload(item, options())), "EMAIL_REPLY");
}

// Hostile values in every field a message shows, for every type and generation.
TEST(SlackMessages, NoSmartLeadValueCanMentionOrLink) {
  const std::string evil = "<!channel> <!here|here> <@U024BE7LH> <#C123> <https://evil.example|bank> "
                           "<script>x</script> R&D";
  const char* string_fields[] = {"to_name", "lead_name", "to_email", "lead_email", "campaign_name",
                                 "subject", "custom_subject", "from_email", "sender_detail",
                                 "recipient_detail", "cc", "previous_status", "current_status",
                                 "campaign_status", "category", "preview_text", "visible_text",
                                 "bounce_reply_email_preview", "event_timestamp", "timestamp",
                                 "link_clicked", "reply_body"};
  int checked = 0;
  for (const char* generation : {"current", "legacy", "nested", "envelope"}) {
    for (const auto& entry :
         fs::directory_iterator(fs::path(SLWD_FIXTURES_DIR) / "events" / generation)) {
      json body = fixture(generation, entry.path().stem().string());
      json& target = body.contains("data") ? body["data"] : body;
      for (const char* field : string_fields) target[field] = evil;
      target["campaign_id"] = evil;
      target["sequence_number"] = 3;
      target["link_details"] = json::array({evil});
      target["app_url"] = "https://app.example/x|<!channel>";
      for (const char* nested : {"reply_message", "bounce_message", "lead_category", "lead", "reply", "email"}) {
        target[nested] = json{{"text", evil}, {"html", "<p>" + evil + "</p>"}, {"new_name", evil},
                              {"old_name", evil}, {"first_name", evil}, {"last_name", evil},
                              {"email", evil}, {"body", evil}, {"subject", evil}};
      }
      for (const auto& opts :
           {options(), options("https://app.smartlead.ai"),
            options("", {{"EMAIL_REPLY", "{{lead}} {{reply_text}} {{sender}} {{subject}} {{app_url}}"}})}) {
        const std::string sent = serialize(payload_of(body, opts));
        for (const char* forbidden : {"<!channel", "<!here", "<@U", "<#C", "<https://evil",
                                      "<script", "R&D", "|<!"}) {
          EXPECT_FALSE(has(sent, forbidden)) << generation << "/" << entry.path().filename()
                                             << " leaks " << forbidden << " at: "
                                             << sent.substr(sent.find(forbidden) - std::min<std::size_t>(sent.find(forbidden), 80), 160);
        }
        EXPECT_TRUE(has(sent, "&lt;!channel&gt;") || has(sent, "%3C!channel%3E"))
            << generation << "/" << entry.path().filename();
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 3 * 30);
}

TEST(SlackMessages, LongRepliesAreCutWithinLimitsAsValidUtf8) {
  json body = fixture("current", "EMAIL_REPLY");
  std::string long_text;
  for (int i = 0; i < 4000; ++i) long_text += "caf\xC3\xA9 & <b> \xF0\x9F\x98\x80\n";
  body["reply_message"]["text"] = long_text;
  body["to_name"] = std::string(5000, 'N');
  json p = payload_of(body);
  const std::string quote = p["blocks"][2]["text"]["text"];
  EXPECT_LE(slack_length(quote), kMaxSectionText);
  EXPECT_EQ(quote.substr(quote.size() - 3), kEllipsisText);
  EXPECT_LE(slack_length(p["text"].get<std::string>()), kMaxFallbackText);
  EXPECT_NO_THROW((void)p.dump(-1, ' ', false, json::error_handler_t::strict));  // valid UTF-8
  // No entity cut in half anywhere.
  const std::string sent = serialize(p);
  for (std::size_t at = sent.find('&'); at != std::string::npos; at = sent.find('&', at + 1)) {
    const std::string rest = sent.substr(at, 5);
    EXPECT_TRUE(rest.rfind("&amp;", 0) == 0 || rest.rfind("&lt;", 0) == 0 ||
                rest.rfind("&gt;", 0) == 0)
        << sent.substr(at, 20);
  }
}

TEST(SlackMessages, TemplateReplacesTheMainTextAndKeepsTheContext) {
  auto opts = options("", {{"EMAIL_REPLY",
                            "*{{lead_name}}* <{{lead_email}}> replied in {{campaign_name}} "
                            "(#{{campaign_id}}, step {{sequence_number}}, {{event_type}}):\n"
                            "{{reply_text}}\n{{category}}|{{subject}}|{{app_url}}"}});
  json p = payload_of(fixture("current", "EMAIL_REPLY"), opts);
  const std::string expected =
      "*David Carroll* <david.carroll@lead.example> replied in Spring Outreach (#353, step 2, "
      "EMAIL_REPLY):\nSounds good, send me a time.\n|Re: Intro: faster "
      "onboarding|https://app.smartlead.ai/app/master-inbox?leadMap=201455";
  EXPECT_EQ(p["text"], expected);
  EXPECT_EQ(block_types(p), (std::vector<std::string>{"section", "context"}));
  EXPECT_EQ(p["blocks"][0]["text"]["text"], expected);
  EXPECT_HAS(all_text(p["blocks"][1]), "Open in SmartLead inbox");
  // Other types keep their built-in message.
  EXPECT_EQ(payload_of(fixture("current", "EMAIL_BOUNCE"), opts)["blocks"][0]["type"], "header");
}

TEST(SlackMessages, TemplateOnACompactTypeGetsTheLinkAsContext) {
  auto opts = options("", {{"EMAIL_OPEN", "{{lead_email}} opened {{subject}}"}});
  json p = payload_of(fixture("current", "EMAIL_OPEN"), opts);
  EXPECT_EQ(block_types(p), (std::vector<std::string>{"section", "context"}));
  EXPECT_EQ(p["text"], "david.carroll@lead.example opened Intro: faster onboarding");
}

TEST(SlackMessages, TemplateRenderingBlankFallsBackToTheBuiltInMessage) {
  auto opts = options("", {{"UNTRACKED_REPLIES", "{{category}}"}});
  json p = payload_of(fixture("current", "UNTRACKED_REPLIES"), opts);
  EXPECT_EQ(p["blocks"][0]["type"], "header");
}

TEST(SlackMessages, LongTemplateOutputIsCut) {
  auto opts = options("", {{"EMAIL_REPLY", std::string(4000, 'x') + " {{lead_email}}"}});
  json p = payload_of(fixture("current", "EMAIL_REPLY"), opts);
  EXPECT_EQ(slack_length(p["blocks"][0]["text"]["text"].get<std::string>()), kMaxSectionText);
  EXPECT_EQ(slack_length(p["text"].get<std::string>()), kMaxFallbackText);
}

TEST(SlackMessages, EveryPlaceholderHasAValueSource) {
  // A placeholder the docs list but the handler forgot would render empty for every event.
  json reply = fixture("current", "EMAIL_REPLY");
  std::map<std::string, std::string> none_empty_for_reply;
  for (const auto& p : events::template_placeholders()) {
    const std::string name(p.name);
    if (name == "old_status" || name == "old_category" || name == "category" || name == "sender" ||
        name == "bounce_text" || name == "links")
      continue;  // not in a reply
    auto opts = options("", {{"EMAIL_REPLY", "[{{" + name + "}}]"}});
    EXPECT_NE(payload_of(reply, opts)["text"], "[]") << name;
  }
  auto click = options("", {{"EMAIL_LINK_CLICK", "[{{links}}]"}});
  EXPECT_EQ(payload_of(fixture("current", "EMAIL_LINK_CLICK"), click)["text"],
            "[https://product.example/demo, https://product.example/pricing]");
  auto status = options("", {{"CAMPAIGN_STATUS_CHANGED", "{{old_status}}>{{campaign_status}}"}});
  EXPECT_EQ(payload_of(fixture("current", "CAMPAIGN_STATUS_CHANGED"), status)["text"],
            "PAUSED>ACTIVE");  // the template's own text is the operator's markup: not escaped
  auto category = options("", {{"LEAD_CATEGORY_UPDATED", "{{old_category}}/{{category}}"}});
  EXPECT_EQ(payload_of(fixture("current", "LEAD_CATEGORY_UPDATED"), category)["text"],
            "Out Of Office/Interested");
  auto bounce = options("", {{"EMAIL_BOUNCE", "{{bounce_text}}"}});
  EXPECT_EQ(payload_of(fixture("current", "EMAIL_BOUNCE"), bounce)["text"], "550 5.1.1 User unknown");
  auto untracked = options("", {{"UNTRACKED_REPLIES", "{{sender}}"}});
  EXPECT_EQ(payload_of(fixture("current", "UNTRACKED_REPLIES"), untracked)["text"],
            "Sunita Soy &lt;sunita@lead.example&gt;");
}

TEST(SlackMessages, AnInvalidTemplateInAHandBuiltConfigIsRefused) {
  config::HandlerConfig c;
  c.templates = {{"EMAIL_REPLY", "{{nope}}"}};
  EXPECT_THROW(payload_options(c), std::invalid_argument);
}

}  // namespace
}  // namespace slwd::handlers::slack
