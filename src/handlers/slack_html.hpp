#pragma once
// Email bodies as readable chat text. A single forward pass with no backtracking and no regex,
// so hostile HTML (unclosed tags, megabytes of nesting) costs linear time and never throws.
#include <string>
#include <string_view>

namespace slwd::handlers::slack {

// HTML to plain text: tags dropped; <br>, </p>, </div>, </li>, </tr>, headings ... end a line;
// <li> starts "• "; script/style/head/title contents dropped; comments dropped; the common named
// entities and every numeric one decoded; whitespace collapsed as a browser would; at most one
// blank line in a row. With `drop_quotes`, <blockquote> contents and everything from a
// Gmail/Yahoo/Outlook quoted-history marker on are dropped too.
// The result may still contain < > & as text: escape it before it goes into mrkdwn.
std::string html_to_text(std::string_view html, bool drop_quotes = true);

// Cuts a plain-text reply at its quoted history: the "On <date>, <someone> wrote:" line (also
// wrapped over two lines, and in a few other languages), "-----Original Message-----", an
// Outlook "____" separator, and drops lines starting with ">". Returns the text unchanged when
// nothing would remain.
std::string drop_quoted_history(std::string_view text);

// What a message shows of an email: `text` (quoted history dropped) when it has any, else the
// HTML as text. Both may be empty.
std::string visible_text(std::string_view text, std::string_view html, bool drop_quotes = true);

}  // namespace slwd::handlers::slack
