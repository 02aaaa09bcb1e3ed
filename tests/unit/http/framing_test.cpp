// SPEC §4 row 1: the framing matrix, on raw head bytes.
#include "slwd/http/framing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace slwd::http {
namespace {

using namespace std::string_literals;

// A POST head with the given field lines (each without its CRLF) on HTTP/1.1.
std::string head(std::initializer_list<std::string> fields, std::string version = "HTTP/1.1") {
  std::string h = "POST /webhooks/smartlead " + version + "\r\nHost: example.com\r\n";
  for (const auto& f : fields) h += f + "\r\n";
  h += "\r\n";
  return h;
}

void expect_verdict(const std::string& raw, FramingVerdict verdict) {
  const Framing f = check_framing(raw);
  EXPECT_EQ(f.verdict, verdict) << "head: " << ::testing::PrintToString(raw)
                                << " reason: " << f.reason;
  if (verdict != FramingVerdict::ok) {
    EXPECT_FALSE(f.reason.empty());
  }
}

TEST(Framing, NoBodyFieldsMeansEmptyBody) {
  const Framing f = check_framing(head({}));
  EXPECT_EQ(f.verdict, FramingVerdict::ok);
  EXPECT_FALSE(f.chunked);
  EXPECT_FALSE(f.content_length.has_value());
}

TEST(Framing, ContentLengthIsReturned) {
  for (const auto& [line, value] : std::vector<std::pair<std::string, std::uint64_t>>{
           {"Content-Length: 5", 5},
           {"content-length: 7", 7},
           {"CONTENT-LENGTH:12", 12},
           {"Content-Length: \t 0 \t", 0},
           {"Content-Length: 007", 7},
           {"Content-Length: 18446744073709551615", 18446744073709551615ull}}) {
    const Framing f = check_framing(head({line}));
    EXPECT_EQ(f.verdict, FramingVerdict::ok) << line;
    EXPECT_FALSE(f.chunked);
    ASSERT_TRUE(f.content_length.has_value()) << line;
    EXPECT_EQ(*f.content_length, value) << line;
  }
}

TEST(Framing, BadContentLengthIs400) {
  for (const std::string line :
       {"Content-Length: abc", "Content-Length: -1", "Content-Length: +5", "Content-Length:",
        "Content-Length: 5 5", "Content-Length: 5, 5", "Content-Length: 5,", "Content-Length: 0x10",
        "Content-Length: 18446744073709551616", "Content-Length: 99999999999999999999999"}) {
    expect_verdict(head({line}), FramingVerdict::bad_request);
  }
}

TEST(Framing, MoreThanOneContentLengthIs400EvenWhenEqual) {
  expect_verdict(head({"Content-Length: 5", "Content-Length: 5"}), FramingVerdict::bad_request);
  expect_verdict(head({"Content-Length: 5", "content-length: 6"}), FramingVerdict::bad_request);
}

TEST(Framing, BothContentLengthAndTransferEncodingIs400) {
  expect_verdict(head({"Content-Length: 5", "Transfer-Encoding: chunked"}),
                 FramingVerdict::bad_request);
  expect_verdict(head({"Transfer-Encoding: chunked", "Content-Length: 5"}),
                 FramingVerdict::bad_request);
  // Not 501: the conflict is malformed framing whatever the coding.
  expect_verdict(head({"Content-Length: 5", "Transfer-Encoding: gzip"}),
                 FramingVerdict::bad_request);
}

TEST(Framing, ExactlyChunkedIsAccepted) {
  for (const std::string line : {"Transfer-Encoding: chunked", "transfer-encoding: CHUNKED",
                                 "Transfer-Encoding:   Chunked  ", "Transfer-Encoding:\tchunked\t",
                                 "Transfer-Encoding:chunked"}) {
    const Framing f = check_framing(head({line}));
    EXPECT_EQ(f.verdict, FramingVerdict::ok) << line << " " << f.reason;
    EXPECT_TRUE(f.chunked) << line;
    EXPECT_FALSE(f.content_length.has_value());
  }
}

TEST(Framing, OnlyUnimplementedCodingsIs501) {
  for (const std::string line :
       {"Transfer-Encoding: gzip", "Transfer-Encoding: GZIP", "Transfer-Encoding: deflate",
        "Transfer-Encoding: compress", "Transfer-Encoding: x-gzip", "Transfer-Encoding: br",
        "Transfer-Encoding: gzip, deflate", "Transfer-Encoding: gzip;level=9"}) {
    expect_verdict(head({line}), FramingVerdict::not_implemented);
  }
  // Several fields combine into one list.
  expect_verdict(head({"Transfer-Encoding: gzip", "Transfer-Encoding: deflate"}),
                 FramingVerdict::not_implemented);
}

TEST(Framing, AnyOtherTransferEncodingIs400) {
  for (const std::string line :
       {"Transfer-Encoding: gzip, chunked", "Transfer-Encoding: chunked, gzip",
        "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: chunked;foo=bar",
        "Transfer-Encoding: identity", "Transfer-Encoding: foo",
        "Transfer-Encoding:", "Transfer-Encoding: chunked,", "Transfer-Encoding: , chunked",
        "Transfer-Encoding: gzip,", "Transfer-Encoding: \"chunked\"",
        "Transfer-Encoding: chunked\x0b", "Transfer-Encoding: chun ked"}) {
    expect_verdict(head({line}), FramingVerdict::bad_request);
  }
  expect_verdict(head({"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"}),
                 FramingVerdict::bad_request);
  expect_verdict(head({"Transfer-Encoding: chunked", "Transfer-Encoding: gzip"}),
                 FramingVerdict::bad_request);
  expect_verdict(head({"Transfer-Encoding: gzip", "Transfer-Encoding: chunked"}),
                 FramingVerdict::bad_request);
}

TEST(Framing, TransferEncodingOnHttp10Is400) {
  expect_verdict(head({"Transfer-Encoding: chunked"}, "HTTP/1.0"), FramingVerdict::bad_request);
  expect_verdict(head({"Transfer-Encoding: gzip"}, "HTTP/1.0"), FramingVerdict::bad_request);
  const Framing f = check_framing(head({"Content-Length: 3"}, "HTTP/1.0"));
  EXPECT_EQ(f.verdict, FramingVerdict::ok);
  EXPECT_EQ(f.content_length, 3u);
}

TEST(Framing, SmugglingHygiene) {
  const std::string line = "POST /webhooks/smartlead HTTP/1.1\r\n";
  // Whitespace between field name and colon.
  expect_verdict(head({"Transfer-Encoding : chunked"}), FramingVerdict::bad_request);
  expect_verdict(head({"Content-Length\t: 5"}), FramingVerdict::bad_request);
  // obs-fold, on the framing fields and elsewhere.
  expect_verdict(head({"Transfer-Encoding:", " chunked"}), FramingVerdict::bad_request);
  expect_verdict(head({"X-Note: a", "\tb"}), FramingVerdict::bad_request);
  // Bare LF as a line end, in the request line, in a field, as the terminator.
  expect_verdict("POST /webhooks/smartlead HTTP/1.1\nHost: a\r\n\r\n", FramingVerdict::bad_request);
  expect_verdict(line + "X-A: 1\nTransfer-Encoding: chunked\r\n\r\n", FramingVerdict::bad_request);
  expect_verdict(line + "Host: a\r\n\n", FramingVerdict::bad_request);
  // Bare CR and NUL in a value, NUL in a name, NUL in the request line.
  expect_verdict(line + "X-A: 1\rTransfer-Encoding: chunked\r\n\r\n", FramingVerdict::bad_request);
  expect_verdict(line + "X-A: a\0b\r\n\r\n"s, FramingVerdict::bad_request);
  expect_verdict(line + "X\0A: b\r\n\r\n"s, FramingVerdict::bad_request);
  expect_verdict("POST /a\0 HTTP/1.1\r\n\r\n"s, FramingVerdict::bad_request);
  // Field lines that are not fields.
  expect_verdict(head({"no colon here"}), FramingVerdict::bad_request);
  expect_verdict(head({": empty name"}), FramingVerdict::bad_request);
  expect_verdict(head({"Bad Name: x"}), FramingVerdict::bad_request);
}

TEST(Framing, MalformedHeadIs400) {
  expect_verdict("\r\nPOST / HTTP/1.1\r\n\r\n", FramingVerdict::bad_request);  // empty request line
  expect_verdict("POST\r\n\r\n", FramingVerdict::bad_request);
  expect_verdict("POST / HTTP/1.1\r\nHost: a\r\n", FramingVerdict::bad_request);  // unterminated
  expect_verdict("POST / HTTP/1.1\r\nHost: a", FramingVerdict::bad_request);
  expect_verdict("", FramingVerdict::bad_request);
}

TEST(Framing, OrdinaryFieldsAreLeftAlone) {
  const Framing f =
      check_framing(head({"Content-Type: application/json", "X-Smartlead-Signature: sha256=ab",
                          "Empty:", "X-Utf8: caf\xc3\xa9", "Content-Length: 2"}));
  EXPECT_EQ(f.verdict, FramingVerdict::ok) << f.reason;
  EXPECT_EQ(f.content_length, 2u);
}

TEST(Framing, BadRequestBeatsNotImplemented) {
  // A malformed line anywhere in the head wins over an unsupported coding.
  expect_verdict(head({"Transfer-Encoding: gzip", "Bad Name: x"}), FramingVerdict::bad_request);
  expect_verdict(head({"Transfer-Encoding: gzip", "Content-Length: 1"}),
                 FramingVerdict::bad_request);
}

}  // namespace
}  // namespace slwd::http
