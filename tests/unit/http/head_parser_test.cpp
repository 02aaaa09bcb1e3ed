// parse_head: what the receiver needs, read through Beast, consistent with check_framing.
#include <gtest/gtest.h>

#include <string>

#include "slwd/http/framing.hpp"
#include "slwd/http/request.hpp"

namespace slwd::http {
namespace {

TEST(ParseHead, ReadsRequestLineAndFields) {
  const auto head = parse_head(
      "POST /webhooks/smartlead?x=1 HTTP/1.1\r\n"
      "Host: example.com\r\n"
      "x-request-id: abc-123\r\n"
      "X-Smartlead-Signature: sha256=00ff\r\n"
      "X-Webhook-Level: Campaign\r\n"
      "X-Forwarded-For: 203.0.113.7\r\n"
      "Content-Length: 42\r\n"
      "\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->method, "POST");
  EXPECT_EQ(head->target, "/webhooks/smartlead?x=1");
  EXPECT_EQ(head->version, 11u);
  EXPECT_TRUE(head->keep_alive);
  EXPECT_FALSE(head->chunked);
  EXPECT_EQ(head->content_length, 42u);
  EXPECT_EQ(head->request_id, "abc-123");
  EXPECT_EQ(head->signature, "sha256=00ff");
  EXPECT_EQ(head->level, "Campaign");  // lowercased later, by the receiver
  EXPECT_EQ(head->forwarded_for, "203.0.113.7");
}

TEST(ParseHead, AbsentFieldsAreNullopt) {
  const auto head = parse_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->method, "GET");
  EXPECT_FALSE(head->content_length.has_value());
  EXPECT_FALSE(head->chunked);
  EXPECT_FALSE(head->request_id.has_value());
  EXPECT_FALSE(head->signature.has_value());
  EXPECT_FALSE(head->level.has_value());
  EXPECT_FALSE(head->forwarded_for.has_value());
}

TEST(ParseHead, EmptyFieldIsPresentAndEmpty) {
  const auto head =
      parse_head("POST / HTTP/1.1\r\nX-Request-Id:\r\nX-Smartlead-Signature: \r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->request_id, "");
  EXPECT_EQ(head->signature, "");
}

TEST(ParseHead, KeepAliveFollowsVersionAndConnection) {
  auto head = parse_head("POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->version, 10u);
  EXPECT_FALSE(head->keep_alive);

  head = parse_head("POST / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(head->keep_alive);

  head = parse_head("POST / HTTP/1.1\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_FALSE(head->keep_alive);
}

TEST(ParseHead, ChunkedAndLargeContentLength) {
  auto head = parse_head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(head->chunked);
  EXPECT_FALSE(head->content_length.has_value());

  // Far above Beast's default body limit: the size decision (413) is the receiver's.
  head = parse_head("POST / HTTP/1.1\r\nContent-Length: 5000000000\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->content_length, 5000000000u);
}

TEST(ParseHead, UnknownMethodIsKeptAsSent) {
  const auto head = parse_head("PURGE /x HTTP/1.1\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->method, "PURGE");
}

TEST(ParseHead, RepeatedForwardedForIsOneList) {
  const auto head = parse_head(
      "POST / HTTP/1.1\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2, 3.3.3.3\r\n\r\n");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->forwarded_for, "1.1.1.1, 2.2.2.2, 3.3.3.3");
}

TEST(ParseHead, BeastRejectionsAreNullopt) {
  EXPECT_FALSE(parse_head("POST / HTTP/2.0\r\n\r\n").has_value());
  EXPECT_FALSE(parse_head("POST / FOO/1.1\r\n\r\n").has_value());
  EXPECT_FALSE(parse_head("PO(ST / HTTP/1.1\r\n\r\n").has_value());
  EXPECT_FALSE(parse_head("POST  HTTP/1.1\r\n\r\n").has_value());
  EXPECT_FALSE(parse_head("POST / HTTP/1.1\r\nHost: a\r\n").has_value());  // incomplete
}

TEST(ParseHead, AcceptsAHeadAtTheSizeLimit) {
  // kMaxHeadBytes before the terminating CRLFCRLF is the most the session lets through.
  std::string head = "POST / HTTP/1.1\r\nX-Pad: ";
  head += std::string(kMaxHeadBytes - head.size(), 'p');
  head += "\r\n\r\n";
  ASSERT_EQ(head.size(), kMaxHeadBytes + 4);
  EXPECT_TRUE(parse_head(head).has_value());
}

TEST(ParseHead, AgreesWithCheckFraming) {
  for (const std::string head : {
           "POST / HTTP/1.1\r\n\r\n",
           "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
           "POST / HTTP/1.1\r\ncontent-length: 007\r\n\r\n",
           "POST / HTTP/1.0\r\nContent-Length: 12\r\n\r\n",
           "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
           "POST / HTTP/1.1\r\ntransfer-encoding:  CHUNKED \r\n\r\n",
       }) {
    const Framing framing = check_framing(head);
    ASSERT_EQ(framing.verdict, FramingVerdict::ok) << head;
    const auto parsed = parse_head(head);
    ASSERT_TRUE(parsed.has_value()) << head;
    EXPECT_EQ(parsed->chunked, framing.chunked) << head;
    EXPECT_EQ(parsed->content_length, framing.content_length) << head;
  }
}

}  // namespace
}  // namespace slwd::http
