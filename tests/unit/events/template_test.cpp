// Message templates: the {{placeholder}} syntax, its errors, and rendering.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "slwd/events/template.hpp"

namespace slwd::events {
namespace {

std::string render_upper(const MessageTemplate& t) {
  return t.render([](std::string_view name) {
    std::string out = "[";
    for (char c : name) out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return out + "]";
  });
}

TEST(Template, RendersLiteralTextAndPlaceholdersInOrder) {
  auto parsed = parse_template("Reply from {{lead_email}} in {{ campaign_name }}!");
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(render_upper(*parsed.value), "Reply from [LEAD_EMAIL] in [CAMPAIGN_NAME]!");
}

TEST(Template, KeepsSingleBracesStrayClosersAndLineBreaks) {
  auto parsed = parse_template("{a} }} x\n{{subject}}\n} {");
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(render_upper(*parsed.value), "{a} }} x\n[SUBJECT]\n} {");
}

TEST(Template, AdjacentPlaceholdersAndOnlyPlaceholders) {
  auto parsed = parse_template("{{lead_name}}{{lead_email}}");
  ASSERT_TRUE(parsed.value) << parsed.error;
  EXPECT_EQ(render_upper(*parsed.value), "[LEAD_NAME][LEAD_EMAIL]");
  ASSERT_EQ(parsed.value->pieces.size(), 2u);
  EXPECT_TRUE(parsed.value->pieces[0].placeholder);
}

TEST(Template, UnknownPlaceholderNamesItAndListsTheKnownOnes) {
  auto parsed = parse_template("hi {{foo}}");
  EXPECT_FALSE(parsed.value);
  EXPECT_EQ(parsed.error, "unknown placeholder {{foo}} (known: " + template_placeholder_list() + ")");
  EXPECT_NE(parsed.error.find("lead_email"), std::string::npos);
}

TEST(Template, NamesAreCaseSensitive) {
  auto parsed = parse_template("{{Lead_Email}}");
  EXPECT_FALSE(parsed.value);
  EXPECT_EQ(parsed.error.rfind("unknown placeholder {{Lead_Email}}", 0), 0u) << parsed.error;
}

TEST(Template, UnclosedPlaceholderIsAnError) {
  for (const char* text : {"hi {{lead_email", "{{", "a {{ b } c", "ok {{subject}} then {{"}) {
    auto parsed = parse_template(text);
    EXPECT_FALSE(parsed.value) << text;
    EXPECT_EQ(parsed.error, "unclosed {{ (a placeholder looks like {{lead_email}})") << text;
  }
}

TEST(Template, EmptyPlaceholderAndEmptyTemplateAreErrors) {
  EXPECT_EQ(parse_template("x {{ }} y").error.rfind("empty placeholder {{}}", 0), 0u);
  EXPECT_EQ(parse_template("").error,
            "empty template (leave the key out for the built-in message)");
  EXPECT_FALSE(parse_template(" \n\t ").value);
}

TEST(Template, AnOverlongBadNameIsShortenedInTheError) {
  const std::string name(500, 'x');
  auto parsed = parse_template("{{" + name + "}}");
  EXPECT_FALSE(parsed.value);
  EXPECT_LT(parsed.error.size(), 100 + template_placeholder_list().size());
  EXPECT_NE(parsed.error.find("...}}"), std::string::npos);
}

TEST(Template, PlaceholderListIsDocumentedAndUnique) {
  std::set<std::string_view> names;
  for (const auto& p : template_placeholders()) {
    EXPECT_FALSE(p.meaning.empty()) << p.name;
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    // Every listed name parses as a placeholder.
    EXPECT_TRUE(parse_template("{{" + std::string(p.name) + "}}").value) << p.name;
  }
  for (const char* required : {"lead_email", "lead_name", "campaign_name", "campaign_id",
                               "event_type", "category", "subject", "reply_text",
                               "sequence_number"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
}

}  // namespace
}  // namespace slwd::events
