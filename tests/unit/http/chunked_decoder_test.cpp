// SPEC §4 rows 1 and 5 for chunked bodies: limits, malformed input, any split of the input,
// and nothing consumed past the end of the message.
#include <gtest/gtest.h>

#include <string>

#include "slwd/http/framing.hpp"

namespace slwd::http {
namespace {

using namespace std::string_literals;

using Status = ChunkedDecoder::Status;

struct Result {
  Status status;
  std::size_t consumed;
  std::string body;
};

Result decode_whole(std::string_view input, std::size_t max_body = 1 << 20) {
  ChunkedDecoder d(max_body);
  Result r{Status::need_more, 0, {}};
  r.status = d.feed(input, r.consumed, r.body);
  return r;
}

// Feeds one byte per call; stops at the first non-need_more status.
Result decode_bytewise(std::string_view input, std::size_t max_body = 1 << 20) {
  ChunkedDecoder d(max_body);
  Result r{Status::need_more, 0, {}};
  for (std::size_t i = 0; i < input.size(); ++i) {
    std::size_t consumed = 0;
    r.status = d.feed(input.substr(i, 1), consumed, r.body);
    r.consumed += consumed;
    if (r.status != Status::need_more) break;
    EXPECT_EQ(consumed, 1u) << "need_more must consume all it was given";
  }
  return r;
}

TEST(ChunkedDecoder, DecodesChunksExtensionsAndTrailers) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"5\r\nhello\r\n0\r\n\r\n", "hello"},
      {"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"},
      {"a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij"},
      {"00005\r\nhello\r\n000\r\n\r\n", "hello"},
      {"5;name=value\r\nhello\r\n0;last\r\n\r\n", "hello"},
      {"5 ;a=\"q;uoted\"\r\nhello\r\n0\r\n\r\n", "hello"},
      {"5\t \r\nhello\r\n0\r\n\r\n", "hello"},
      {"5\r\nhello\r\n0\r\nX-Trailer: 1\r\nX-Other: two\r\n\r\n", "hello"},
      {"0\r\n\r\n", ""},
      {"3\r\n\r\n\r\r\n0\r\n\r\n", "\r\n\r"},  // chunk data is opaque
  };
  for (const auto& [input, body] : cases) {
    const Result whole = decode_whole(input);
    EXPECT_EQ(whole.status, Status::done) << input;
    EXPECT_EQ(whole.body, body) << input;
    EXPECT_EQ(whole.consumed, input.size()) << input;

    const Result bytewise = decode_bytewise(input);
    EXPECT_EQ(bytewise.status, Status::done) << input;
    EXPECT_EQ(bytewise.body, body) << input;
    EXPECT_EQ(bytewise.consumed, input.size()) << input;
  }
}

TEST(ChunkedDecoder, EverySplitPointGivesTheSameResult) {
  const std::string input =
      "5;x=y\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nT: v\r\n\r\n";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    ChunkedDecoder d(1024);
    std::string body;
    std::size_t c1 = 0, c2 = 0;
    const Status s1 = d.feed(std::string_view(input).substr(0, cut), c1, body);
    ASSERT_EQ(s1, cut == input.size() ? Status::done : Status::need_more) << cut;
    ASSERT_EQ(c1, cut);
    const Status s2 = d.feed(std::string_view(input).substr(cut), c2, body);
    EXPECT_EQ(s2, Status::done) << cut;
    EXPECT_EQ(c1 + c2, input.size()) << cut;
    EXPECT_EQ(body, "helloabcdefghijklmnopqrstuvwxyz") << cut;
  }
}

TEST(ChunkedDecoder, PipelinedBytesAreLeftAlone) {
  const std::string message = "5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n";
  const std::string next = "POST /webhooks/smartlead HTTP/1.1\r\nHost: a\r\n\r\n";
  const Result r = decode_whole(message + next);
  EXPECT_EQ(r.status, Status::done);
  EXPECT_EQ(r.consumed, message.size());
  EXPECT_EQ(r.body, "hello");

  // Once done, nothing more is consumed.
  ChunkedDecoder d(1024);
  std::string body;
  std::size_t consumed = 0;
  ASSERT_EQ(d.feed(message, consumed, body), Status::done);
  EXPECT_EQ(d.feed(next, consumed, body), Status::done);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(body, "hello");
}

TEST(ChunkedDecoder, MalformedInputIsBadRequest) {
  for (const std::string& input : std::vector<std::string>{
           "x\r\n",                      // not hex
           "\r\n",                       // no size
           ";ext\r\n",                   // no size before the extension
           "-5\r\n",                     // sign
           "0x5\r\nhello\r\n0\r\n\r\n",  // C-style prefix
           "5 6\r\nhello\r\n",           // two sizes
           "5\nhello\r\n0\r\n\r\n",      // bare LF after the size
           "5\rhello\r\n",               // CR without LF
           "5\r\nhelloX\r\n0\r\n\r\n",   // data longer than announced: no CRLF after it
           "5\r\nhello\n0\r\n\r\n",      // bare LF after the data
           "5\r\nhello0\r\n\r\n",        // missing CRLF altogether
           "5;a\nb\r\nhello\r\n",        // LF inside an extension
           "5;a\0b\r\nhello\r\n"s,       // NUL inside an extension
           "10000000000000000\r\n",      // 17 hex digits: overflows 64 bits
           "0\r\nX-T: 1\n\r\n",          // bare LF in the trailer
           "0\r\nX-T: 1\r\r\n",          // CR without LF in the trailer
           "0\r\nX\0: 1\r\n\r\n"s,       // NUL in the trailer
           "0\r\n\r\r",                  // CR not followed by LF at the end
       }) {
    EXPECT_EQ(decode_whole(input).status, Status::bad_request) << ::testing::PrintToString(input);
    EXPECT_EQ(decode_bytewise(input).status, Status::bad_request)
        << ::testing::PrintToString(input);
  }
}

TEST(ChunkedDecoder, ChunkLineLimit) {
  // The size line (CRLF excluded) may be 4 KiB, not a byte more.
  const std::string at_limit = "5;" + std::string(kMaxChunkLineBytes - 2, 'a') + "\r\n";
  EXPECT_EQ(decode_whole(at_limit + "hello\r\n0\r\n\r\n").status, Status::done);
  const std::string over = "5;" + std::string(kMaxChunkLineBytes - 1, 'a') + "\r\n";
  EXPECT_EQ(decode_whole(over + "hello\r\n0\r\n\r\n").status, Status::bad_request);

  // Leading zeros count too.
  EXPECT_EQ(
      decode_whole(std::string(kMaxChunkLineBytes - 1, '0') + "5\r\nhello\r\n0\r\n\r\n").status,
      Status::done);
  EXPECT_EQ(decode_whole(std::string(kMaxChunkLineBytes, '0') + "5\r\nhello\r\n0\r\n\r\n").status,
            Status::bad_request);

  // Refused as soon as the line is too long, without waiting for its end.
  const std::string endless = "5;" + std::string(2 * kMaxChunkLineBytes, 'a');
  EXPECT_EQ(decode_whole(endless).status, Status::bad_request);
  EXPECT_EQ(decode_bytewise(endless).status, Status::bad_request);
}

TEST(ChunkedDecoder, TrailerLimit) {
  // One field line of L bytes plus its CRLF; the section may be 4 KiB.
  const auto trailer = [](std::size_t line) {
    return "5\r\nhello\r\n0\r\nX: " + std::string(line - 3, 'v') + "\r\n\r\n";
  };
  EXPECT_EQ(decode_whole(trailer(kMaxTrailerBytes - 2)).status, Status::done);
  EXPECT_EQ(decode_whole(trailer(kMaxTrailerBytes - 1)).status, Status::bad_request);
  // Many small lines add up.
  std::string many = "0\r\n";
  for (int i = 0; i < 1000; ++i) many += "X: 1\r\n";
  many += "\r\n";
  EXPECT_EQ(decode_whole(many).status, Status::bad_request);
  EXPECT_EQ(decode_bytewise(many).status, Status::bad_request);
  // An endless trailer line is refused without waiting for its end.
  EXPECT_EQ(decode_whole("0\r\nX: " + std::string(2 * kMaxTrailerBytes, 'v')).status,
            Status::bad_request);
}

TEST(ChunkedDecoder, BodyLimit) {
  EXPECT_EQ(decode_whole("5\r\nhello\r\n0\r\n\r\n", 5).status, Status::done);
  EXPECT_EQ(decode_whole("3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", 5).status, Status::done);
  EXPECT_EQ(decode_whole("6\r\nhello!\r\n0\r\n\r\n", 5).status, Status::too_large);
  EXPECT_EQ(decode_whole("0\r\n\r\n", 0).status, Status::done);
  EXPECT_EQ(decode_whole("1\r\na\r\n0\r\n\r\n", 0).status, Status::too_large);

  // Refused when the size is announced: the data of the offending chunk is never buffered.
  const Result r = decode_whole("3\r\nabc\r\n3\r\n", 5);
  EXPECT_EQ(r.status, Status::too_large);
  EXPECT_EQ(r.body, "abc");
  // A huge (but 64-bit) size is too large, not malformed.
  EXPECT_EQ(decode_whole("FFFFFFFFFFFFFFFF\r\n", 5).status, Status::too_large);
  EXPECT_EQ(decode_bytewise("3\r\nabc\r\n3\r\nabc\r\n0\r\n\r\n", 5).status, Status::too_large);
}

TEST(ChunkedDecoder, FailureIsSticky) {
  ChunkedDecoder d(1024);
  std::string body;
  std::size_t consumed = 0;
  ASSERT_EQ(d.feed("z", consumed, body), Status::bad_request);
  EXPECT_EQ(d.feed("5\r\nhello\r\n0\r\n\r\n", consumed, body), Status::bad_request);
  EXPECT_TRUE(body.empty());

  ChunkedDecoder big(2);
  ASSERT_EQ(big.feed("3\r\n", consumed, body), Status::too_large);
  EXPECT_EQ(big.feed("abc\r\n0\r\n\r\n", consumed, body), Status::too_large);
}

TEST(ChunkedDecoder, EmptyInputNeedsMore) {
  ChunkedDecoder d(1024);
  std::string body;
  std::size_t consumed = 7;
  EXPECT_EQ(d.feed("", consumed, body), Status::need_more);
  EXPECT_EQ(consumed, 0u);
}

}  // namespace
}  // namespace slwd::http
