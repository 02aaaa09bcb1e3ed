// Email bodies as chat text: HTML to text, quoted history dropped, hostile input survived.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "../../../src/handlers/slack_html.hpp"

namespace slwd::handlers::slack {
namespace {

TEST(SlackHtml, BreaksParagraphsAndLines) {
  EXPECT_EQ(html_to_text("<p>Hi David,</p><p>Tuesday works.<br>Thanks</p>"),
            "Hi David,\nTuesday works.\nThanks");
  EXPECT_EQ(html_to_text("<div>a</div><div><br></div><div>b</div>"), "a\n\nb");
  EXPECT_EQ(html_to_text("<ul><li>one</li><li>two</li></ul>"), "\xE2\x80\xA2 one\n\xE2\x80\xA2 two");
  EXPECT_EQ(html_to_text("a<br><br><br><br>b"), "a\n\nb");  // at most one blank line
}

TEST(SlackHtml, CollapsesWhitespaceLikeABrowser) {
  EXPECT_EQ(html_to_text("  Hello \n\t  <b>big</b>   world  "), "Hello big world");
  EXPECT_EQ(html_to_text("<p>&nbsp;</p><p>x</p>"), "x");
}

TEST(SlackHtml, DecodesEntities) {
  EXPECT_EQ(html_to_text("Tom &amp; Jerry &lt;3 &quot;q&quot; &#39;s &#x263A; &hellip;"),
            "Tom & Jerry <3 \"q\" 's \xE2\x98\xBA \xE2\x80\xA6");
  EXPECT_EQ(html_to_text("&unknown; &amp &#xZZ; &#0;"), "&unknown; &amp &#xZZ; \xEF\xBF\xBD");
  EXPECT_EQ(html_to_text("&#99999999999;"), "\xEF\xBF\xBD");
}

TEST(SlackHtml, DropsScriptsStylesCommentsAndHead) {
  EXPECT_EQ(html_to_text("<html><head><title>T</title><style>p{color:red}</style></head>"
                         "<body><!-- hidden --><script>alert('<p>')</script>Visible</body></html>"),
            "Visible");
}

TEST(SlackHtml, KeepsTextThatOnlyLooksLikeTags) {
  EXPECT_EQ(html_to_text("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(html_to_text("<a href=\"x>y\" title='it>s'>link</a> <p it's>ok</p>"), "link\nok");
}

TEST(SlackHtml, DropsQuotedHistory) {
  EXPECT_EQ(html_to_text("<div>Sure, Tuesday.</div><blockquote>On Mon wrote:<blockquote>old"
                         "</blockquote>older</blockquote><div>Thanks</div>"),
            "Sure, Tuesday.\nThanks");
  EXPECT_EQ(html_to_text("<div>Yes</div><div class=\"gmail_quote\"><div>On Mon, Maria wrote:</div>"
                         "<blockquote>Hi</blockquote></div>"),
            "Yes");
  EXPECT_EQ(html_to_text("<p>Ok</p><div id=\"divRplyFwdMsg\">From: Maria</div><p>Hi David</p>"),
            "Ok");
  EXPECT_EQ(html_to_text("<blockquote>kept</blockquote>", false), "kept");
}

TEST(SlackHtml, DropsQuotedHistoryFromPlainText) {
  EXPECT_EQ(drop_quoted_history("Sounds good.\n\nOn Tue, Mar 5, 2024 at 9:15 AM Maria "
                                "<maria@sender.example> wrote:\n> Hi David,\n> ..."),
            "Sounds good.");
  EXPECT_EQ(drop_quoted_history("Yes.\nOn Tue, Mar 5, 2024 at 9:15 AM Maria <\nmaria@x> wrote:\n> Hi"),
            "Yes.");
  EXPECT_EQ(drop_quoted_history("Oui.\nLe mar. 5 mars 2024, Maria a \xC3\xA9" "crit :\n> Salut"),
            "Oui.");
  EXPECT_EQ(drop_quoted_history("Fine\n-----Original Message-----\nFrom: x"), "Fine");
  EXPECT_EQ(drop_quoted_history("Fine\n________________________________\nFrom: x\nSent: y"),
            "Fine");
  EXPECT_EQ(drop_quoted_history("Fine\nFrom: Maria\nSent: Tuesday\n\nHi"), "Fine");
  EXPECT_EQ(drop_quoted_history("> only a quote"), "> only a quote");  // nothing else: keep it
  EXPECT_EQ(drop_quoted_history("On second thought, no.\nThanks"), "On second thought, no.\nThanks");
}

TEST(SlackHtml, VisibleTextPrefersTextThenHtml) {
  EXPECT_EQ(visible_text("plain <b>", "<p>html</p>"), "plain <b>");
  EXPECT_EQ(visible_text("  \n", "<p>html</p>"), "html");
  EXPECT_EQ(visible_text("", ""), "");
  // A reply that is all quote still shows something.
  EXPECT_EQ(visible_text("", "<blockquote>fwd</blockquote>"), "fwd");
}

TEST(SlackHtml, HostileInputStaysLinear) {
  const auto started = std::chrono::steady_clock::now();
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<blockquote><div class='gmail_quote'";  // never closed
  EXPECT_EQ(html_to_text("x" + deep), "x");
  std::string opens(200000, '<');
  EXPECT_EQ(html_to_text(opens).size(), 200000u);  // "<" that starts no tag is text
  std::string amps;
  for (int i = 0; i < 100000; ++i) amps += "&#x";
  EXPECT_FALSE(html_to_text(amps).empty());
  std::string tags;
  for (int i = 0; i < 100000; ++i) tags += "<script>";
  EXPECT_EQ(html_to_text(tags + "x"), "");
  std::string quotes;
  for (int i = 0; i < 100000; ++i) quotes += "<blockquote>";
  EXPECT_EQ(html_to_text("y" + quotes), "y");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace slwd::handlers::slack
