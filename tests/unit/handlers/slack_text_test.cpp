// mrkdwn text utilities of the slack handler: escaping untrusted values, truncation that never
// splits UTF-8 or an entity, link URLs that cannot inject markup, and Slack date tokens.
// (Internal headers: the slack handler's pieces are tested on their own, not only end to end.)
#include <gtest/gtest.h>

#include <string>

#include "../../../src/handlers/slack_text.hpp"
#include "../../../src/handlers/slack_time.hpp"

namespace slwd::handlers::slack {
namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

bool ends_with_ellipsis(const std::string& s) {
  return s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE2\x80\xA6") == 0;
}

TEST(SlackText, EscapesTheThreeControlCharacters) {
  EXPECT_EQ(escape_mrkdwn("<!channel> & <@U123> <https://x|y>"),
            "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://x|y&gt;");
  EXPECT_EQ(escape_mrkdwn("&amp;"), "&amp;amp;");  // text, not an entity we trust
  EXPECT_EQ(escape_mrkdwn("plain *bold* _it_"), "plain *bold* _it_");
}

TEST(SlackText, CleanTextRepairsUtf8AndControls) {
  EXPECT_EQ(clean_text("a\r\nb\rc\x01" "d\te"), "a\nb\nc d\te");
  EXPECT_EQ(clean_text("bad \xFF\xC3 end"), "bad \xEF\xBF\xBD\xEF\xBF\xBD end");
  EXPECT_EQ(clean_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(clean_text("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

TEST(SlackText, LengthCountsUtf16Units) {
  EXPECT_EQ(slack_length("abc"), 3u);
  EXPECT_EQ(slack_length("caf\xC3\xA9"), 4u);
  EXPECT_EQ(slack_length("\xE2\x80\xA6"), 1u);
  EXPECT_EQ(slack_length("\xF0\x9F\x98\x80"), 2u);  // outside the BMP: a surrogate pair
}

TEST(SlackText, TruncateKeepsShortTextAndCutsLongTextWithAnEllipsis) {
  EXPECT_EQ(truncate_text("hello", 5), "hello");
  EXPECT_EQ(truncate_text("hello world", 8), "hello w\xE2\x80\xA6");
  EXPECT_EQ(truncate_text("hello world", 7), "hello\xE2\x80\xA6");  // no space before "…"
  EXPECT_EQ(truncate_text("hello", 1), "\xE2\x80\xA6");
  EXPECT_EQ(truncate_text("hello", 0), "");
}

TEST(SlackText, TruncateNeverSplitsUtf8) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // é € 😀
  for (std::size_t max : {1u, 2u, 3u, 4u, 5u, 99u, 100u, 3000u}) {
    const std::string cut = truncate_text(text, max);
    EXPECT_TRUE(valid_utf8(cut)) << max;
    EXPECT_LE(slack_length(cut), max) << max;
    EXPECT_TRUE(ends_with_ellipsis(cut)) << max;
  }
}

TEST(SlackText, TruncateNeverCutsAnEntityOrALink) {
  const std::string amps = escape_mrkdwn(std::string(100, '&'));  // "&amp;" x 100
  for (std::size_t max = 2; max < 40; ++max) {
    std::string cut = truncate_text(amps, max);
    cut.resize(cut.size() - 3);  // the ellipsis
    for (auto at = cut.find("&amp;"); at != std::string::npos; at = cut.find("&amp;"))
      cut.erase(at, 5);
    EXPECT_EQ(cut, "") << max;  // nothing but whole entities
  }
  const std::string linked = "see <https://app.example/inbox?x=1|Open in SmartLead> now";
  EXPECT_EQ(truncate_text(linked, 20), "see\xE2\x80\xA6");
  EXPECT_EQ(truncate_text(linked, 20, false).size(), 19u + 3u);  // plain text: cut anywhere
}

TEST(SlackText, OneLineTrimAndQuote) {
  EXPECT_EQ(one_line("  a\n\n b\t c  "), "a b c");
  EXPECT_EQ(trim(" \n x y \t\n"), "x y");
  EXPECT_EQ(quote_lines("a\n\nb"), "> a\n>\n> b");
}

TEST(SlackText, LinkUrlAcceptsHttpAndEncodesMarkup) {
  EXPECT_EQ(link_url("https://app.smartlead.ai/app/master-inbox?leadMap=1&x=2"),
            "https://app.smartlead.ai/app/master-inbox?leadMap=1&amp;x=2");
  EXPECT_EQ(link_url(" http://x.example/a b "), "http://x.example/a%20b");
  EXPECT_EQ(link_url("https://evil.example/|<!channel>"), "https://evil.example/%7C%3C!channel%3E");
  EXPECT_FALSE(link_url("javascript:alert(1)"));
  EXPECT_FALSE(link_url("ftp://x.example"));
  EXPECT_FALSE(link_url("app.smartlead.ai/x"));
  EXPECT_FALSE(link_url("https://"));
  EXPECT_EQ(mrkdwn_link("https://x", "Open"), "<https://x|Open>");
}

TEST(SlackTime, ParsesIso8601Forms) {
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601("2024-03-05T11:20:00.000Z"), 1709637600);
  EXPECT_EQ(parse_iso8601("2024-03-05T12:20:00+01:00"), 1709637600);
  EXPECT_EQ(parse_iso8601("2024-03-05T06:50:00.123456-0430"), 1709637600);
  EXPECT_EQ(parse_iso8601("2024-03-05 11:20"), 1709637600);
  EXPECT_EQ(parse_iso8601("2024-02-29T00:00:00Z"), 1709164800);
  EXPECT_FALSE(parse_iso8601("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2024-03-05T11:20:00Zjunk"));
  EXPECT_FALSE(parse_iso8601("yesterday"));
}

TEST(SlackTime, DateTokenWithUtcFallback) {
  EXPECT_EQ(mrkdwn_time("2024-03-05T12:20:00+01:00"),
            "<!date^1709637600^{date_short_pretty} at {time}|2024-03-05 11:20 UTC>");
  EXPECT_EQ(mrkdwn_time("last <Tuesday>"), "last &lt;Tuesday&gt;");
}

}  // namespace
}  // namespace slwd::handlers::slack
