// The session's byte-level steps before the receiver (src/http/head_reading.cpp): where a head
// ends, whatever the read sizes; the 431 bound; framing before Beast, and framing's view of the
// body carried into the head.
#include <gtest/gtest.h>

#include <string>

#include "../../../src/http/head_reading.hpp"

namespace slwd::http {
namespace {

using Status = HeadSearch::Status;

TEST(LeadingEmptyLines, CountsWholeCrlfPairsOnly) {
  EXPECT_EQ(leading_empty_lines("\r\n\r\nPOST / HTTP/1.1\r\n"), 4u);
  EXPECT_EQ(leading_empty_lines("\r\nPOST"), 2u);
  EXPECT_EQ(leading_empty_lines("\r"), 0u);  // half a line end: wait for the rest
  EXPECT_EQ(leading_empty_lines("POST"), 0u);
}

TEST(FindHeadEnd, FindsTheBlankLine) {
  const std::string request = "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
  const HeadSearch search = find_head_end(request);
  EXPECT_EQ(search.status, Status::complete);
  EXPECT_EQ(search.length, request.size() - 2);
}

TEST(FindHeadEnd, ABlankLineSplitAcrossReadsIsFound) {
  const std::string request = "POST /a HTTP/1.1\r\nHost: x\r\n\r\n";
  for (std::size_t cut = 1; cut < request.size(); ++cut) {
    const HeadSearch first = find_head_end(std::string_view(request).substr(0, cut));
    ASSERT_EQ(first.status, Status::need_more) << cut;
    const HeadSearch second = find_head_end(request, first.scanned);
    EXPECT_EQ(second.status, Status::complete) << cut;
    EXPECT_EQ(second.length, request.size()) << cut;
  }
}

TEST(FindHeadEnd, AHeadOfExactlyTheLimitIsAcceptedOneByteMoreIs431) {
  // The limit counts the request line and fields with their CRLFs, not the blank line.
  auto head_of = [](std::size_t bytes) {
    std::string head = "POST / HTTP/1.1\r\nX: ";
    head += std::string(bytes - head.size() - 2, 'a');
    return head + "\r\n";
  };
  EXPECT_EQ(find_head_end(head_of(kMaxHeadBytes) + "\r\n").status, Status::complete);
  EXPECT_EQ(find_head_end(head_of(kMaxHeadBytes + 1) + "\r\n").status, Status::too_large);
  // Without a blank line: waiting is fine up to the limit, then 431.
  EXPECT_EQ(find_head_end(head_of(kMaxHeadBytes)).status, Status::need_more);
  EXPECT_EQ(find_head_end(std::string(kMaxHeadBytes + 3, 'a')).status, Status::too_large);
}

TEST(ReadHead, TakesTheBodyFramingFromTheStrictCheck) {
  const HeadReading reading = read_head("POST /a HTTP/1.1\r\nContent-Length: 007\r\n\r\n");
  ASSERT_TRUE(reading.head);
  EXPECT_EQ(reading.head->content_length, 7u);
  EXPECT_FALSE(reading.head->chunked);
  EXPECT_EQ(reading.refusal, 0u);

  const HeadReading chunked = read_head("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(chunked.head);
  EXPECT_TRUE(chunked.head->chunked);
  EXPECT_FALSE(chunked.head->content_length);
}

TEST(ReadHead, RefusesBadFramingBeforeBeastSeesIt) {
  const HeadReading both =
      read_head("POST /a HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_FALSE(both.head);
  EXPECT_EQ(both.refusal, 400u);
  EXPECT_EQ(both.framing.verdict, FramingVerdict::bad_request);

  const HeadReading gzip = read_head("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
  EXPECT_FALSE(gzip.head);
  EXPECT_EQ(gzip.refusal, 501u);
}

TEST(ReadHead, WhatBeastRefusesIs400) {
  const HeadReading reading = read_head("POST /a HTTP/2.0\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reading.framing.verdict, FramingVerdict::ok);
  EXPECT_FALSE(reading.head);
  EXPECT_EQ(reading.refusal, 400u);
}

}  // namespace
}  // namespace slwd::http
