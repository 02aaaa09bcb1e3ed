// SPEC §4 rows 1-2 under abuse (issue #8 item 4): every malformed framing, and every head over
// 16,384 bytes, is answered with its status and the connection closed — and a valid signed
// request pipelined behind it in the same write is never processed (request smuggling).
#include "abuse_support.hpp"

namespace slwd::testing {
namespace {

using namespace abuse;
using namespace std::string_literals;

struct Case {
  const char* name;
  std::string message;  // the malformed request, head and whatever body bytes it has
  unsigned status;
};

const std::string kStart = "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\n";

std::vector<Case> framing_cases() {
  const std::string big(5000, 'a');
  return {
      // Content-Length
      {"two different Content-Length", kStart + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
      {"two equal Content-Length", kStart + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 400},
      {"Content-Length list", kStart + "Content-Length: 5, 5\r\n\r\nhello", 400},
      {"non-numeric Content-Length", kStart + "Content-Length: abc\r\n\r\n", 400},
      {"signed Content-Length", kStart + "Content-Length: +5\r\n\r\nhello", 400},
      {"negative Content-Length", kStart + "Content-Length: -1\r\n\r\n", 400},
      {"empty Content-Length", kStart + "Content-Length:\r\n\r\n", 400},
      {"overflowing Content-Length", kStart + "Content-Length: 184467440737095516160\r\n\r\n", 400},
      {"hex Content-Length", kStart + "Content-Length: 0x5\r\n\r\nhello", 400},
      // Content-Length with Transfer-Encoding (the classic CL.TE / TE.CL smuggling pair)
      {"CL then TE", kStart + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"TE then CL", kStart + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
      {"CL with TE gzip", kStart + "Content-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\nhello", 400},
      // Transfer-Encoding other than exactly chunked
      {"TE gzip only", kStart + "Transfer-Encoding: gzip\r\n\r\n", 501},
      {"TE deflate only", kStart + "Transfer-Encoding: deflate\r\n\r\n", 501},
      {"TE gzip, chunked", kStart + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400},
      {"TE chunked, chunked", kStart + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400},
      {"two TE chunked fields", kStart + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"TE chunked with a parameter", kStart + "Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 400},
      {"TE identity", kStart + "Transfer-Encoding: identity\r\n\r\n", 400},
      {"TE unknown coding", kStart + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400},
      {"TE empty", kStart + "Transfer-Encoding:\r\n\r\n", 400},
      {"TE with an empty list element", kStart + "Transfer-Encoding: ,chunked\r\n\r\n0\r\n\r\n", 400},
      {"chunked on HTTP/1.0",
       "POST /webhooks/smartlead HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      // Bad chunked bodies
      {"chunk size not hex", kStart + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk size missing", kStart + "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400},
      {"negative chunk size", kStart + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk size with two numbers", kStart + "Transfer-Encoding: chunked\r\n\r\n5 6\r\nhello\r\n0\r\n\r\n", 400},
      {"overflowing chunk size",
       kStart + "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk data longer than its size", kStart + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n", 400},
      {"chunk data without CRLF", kStart + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n", 400},
      {"bare LF after chunk size", kStart + "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400},
      {"chunk-size line over 4 KiB",
       kStart + "Transfer-Encoding: chunked\r\n\r\n5;" + big + "\r\nhello\r\n0\r\n\r\n", 400},
      {"chunk size of 5000 leading zeros",
       kStart + "Transfer-Encoding: chunked\r\n\r\n" + std::string(5000, '0') + "5\r\nhello\r\n0\r\n\r\n", 400},
      {"trailer section over 4 KiB",
       kStart + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: " + big + "\r\n\r\n", 400},
      {"NUL in a trailer", kStart + "Transfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\0b\r\n\r\n"s, 400},
      // Head hygiene that smuggling relies on
      {"obs-fold", kStart + "X-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n", 400},
      {"obs-fold of Content-Length", kStart + "Content-Length:\r\n 5\r\n\r\nhello", 400},
      {"space before colon", kStart + "Content-Length : 5\r\n\r\nhello", 400},
      {"bare LF in head", "POST /webhooks/smartlead HTTP/1.1\nHost: x\nContent-Length: 0\n\n", 400},
      {"bare CR in a value", kStart + "X-A: a\rContent-Length: 5\r\n\r\nhello", 400},
      {"NUL in a value", kStart + "X-A: a\0b\r\nContent-Length: 0\r\n\r\n"s, 400},
      {"header line without colon", kStart + "NoColonHere\r\nContent-Length: 0\r\n\r\n", 400},
      {"malformed request line", "POST/webhooks/smartlead HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400},
      // Row 2: heads over 16,384 bytes
      {"one huge header", kStart + "X-Big: " + std::string(17000, 'a') + "\r\nContent-Length: 0\r\n\r\n", 431},
      {"a flood of small headers", [] {
         std::string head = kStart;
         for (int i = 0; i < 2000; ++i) head += "X-Flood-" + std::to_string(i) + ": y\r\n";
         return head + "Content-Length: 0\r\n\r\n";
       }(), 431},
  };
}

TEST(AbuseFraming, EveryMalformedFramingClosesTheConnectionAndNeverProcessesWhatIsPipelinedBehind) {
  TempDir dir;
  Daemon daemon(dir, config("  header_timeout: 5s\n  body_timeout: 5s\n"));
  daemon.start();
  auto cases = framing_cases();
  std::vector<std::string> smuggled_ids;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    SCOPED_TRACE(c.name);
    std::string smuggled = "smuggled-" + std::to_string(i);
    smuggled_ids.push_back(smuggled);
    RawConnection conn(daemon.port());
    conn.send(c.message + signed_request(smuggled));  // one write: both arrive together
    auto responses = conn.read_responses(2, std::chrono::seconds(5));
    ASSERT_EQ(responses.size(), 1u) << "the pipelined request was answered too";
    EXPECT_EQ(responses[0].status, c.status);
    EXPECT_EQ(responses[0].headers["connection"], "close");
    EXPECT_TRUE(conn.closed_within(std::chrono::seconds(5)));
  }
  // The daemon still serves, and recorded none of the smuggled requests.
  flush_deliveries(daemon, dir, "framing-flush");
  auto ids = delivered_ids(dir);
  for (const auto& id : smuggled_ids) {
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0) << id << " was processed";
  }
  EXPECT_TRUE(quarantined_ids(daemon).empty());
}

// The 16,384-byte limit of row 2 is exact: request line plus header lines (each CRLF
// included), the blank line that ends the head not counted.
TEST(AbuseFraming, AHeadOfExactly16384BytesIsServedAndOneByteMoreIs431) {
  TempDir dir;
  Daemon daemon(dir, config(""));
  daemon.start();
  auto request_with_head_of = [&](std::size_t head_bytes, const std::string& id) {
    std::string body = sample_reply_body(id);
    std::string head = "POST /webhooks/smartlead HTTP/1.1\r\nX-Request-Id: " + id +
                       "\r\nX-Smartlead-Signature: " + sign(kSecret, body) +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    const std::string pad_name = "X-Pad: ";
    head += pad_name + std::string(head_bytes - head.size() - pad_name.size() - 2, 'p') + "\r\n";
    EXPECT_EQ(head.size(), head_bytes);
    return head + "\r\n" + body;
  };
  RawConnection at_limit(daemon.port());
  at_limit.send(request_with_head_of(16384, "head-16384"));
  auto ok = at_limit.read_responses(1);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].status, 200u);

  RawConnection over(daemon.port());
  over.send(request_with_head_of(16385, "head-16385") + signed_request("behind-16385"));
  auto refused = over.read_responses(2);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].status, 431u);
  EXPECT_TRUE(over.closed_within(std::chrono::seconds(3)));

  flush_deliveries(daemon, dir, "head-flush");
  EXPECT_TRUE(delivered(dir, "head-16384"));
  EXPECT_FALSE(delivered(dir, "head-16385"));
  EXPECT_FALSE(delivered(dir, "behind-16385"));
}

}  // namespace
}  // namespace slwd::testing
