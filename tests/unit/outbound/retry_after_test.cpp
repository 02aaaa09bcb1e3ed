// Retry-After values (RFC 9110 §10.2.3): delay-seconds and the three HTTP-date forms.
#include "slwd/outbound/retry_after.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace slwd::outbound {
namespace {

// Sun, 06 Nov 1994 08:49:37 GMT — the RFC's example date.
constexpr std::int64_t kExampleMs = 784111777000;
constexpr std::int64_t kNow = kExampleMs - 30000;  // 30 s before it

TEST(RetryAfter, DelaySeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), 120000);
  EXPECT_EQ(parse_retry_after("0", kNow), 0);
  EXPECT_EQ(parse_retry_after("007", kNow), 7000);
  EXPECT_EQ(parse_retry_after(" 5\t", kNow), 5000);  // surrounding whitespace is allowed
  EXPECT_EQ(parse_retry_after("86400", 0), 86400000);
}

TEST(RetryAfter, HugeDelaySaturatesInsteadOfOverflowing) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(parse_retry_after("99999999999999999999999999", kNow), kMax);
  EXPECT_EQ(parse_retry_after("9223372036854775807", kNow), kMax);
  // Still exact just below the point where milliseconds would overflow.
  EXPECT_EQ(parse_retry_after("9223372036854775", kNow), 9223372036854775000);
  EXPECT_EQ(parse_retry_after("9223372036854776", kNow), kMax);
  // Digits first is not enough: the whole value must be digits.
  EXPECT_EQ(parse_retry_after("99999999999999999999999999x", kNow), std::nullopt);
}

TEST(RetryAfter, ImfFixdate) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kNow), 30000);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", kNow), 90000);
  EXPECT_EQ(parse_retry_after("Thu, 01 Jan 1970 00:00:10 GMT", 0), 10000);
  EXPECT_EQ(parse_retry_after("Tue, 29 Feb 2028 12:00:00 GMT", 1835438400000 - 1000), 1000);
}

TEST(RetryAfter, ObsoleteDateForms) {
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", kNow), 30000);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", kNow), 30000);
  EXPECT_EQ(parse_retry_after("Sun Nov 16 08:49:37 1994", kNow), 30000 + 10 * 86400000LL);
}

TEST(RetryAfter, PastDateIsZero) {
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleMs + 1), 0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", kExampleMs), 0);
  EXPECT_EQ(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", kNow), 0);
}

TEST(RetryAfter, GarbageIsNullopt) {
  for (const char* value : {"",
                            "   ",
                            "soon",
                            "-5",
                            "+5",
                            "1.5",
                            "5s",
                            "5 s",
                            "0x10",
                            "1e3",
                            "Sun, 06 Nov 1994 08:49:37 UTC",    // only GMT
                            "Sun, 6 Nov 1994 08:49:37 GMT",     // day must have two digits
                            "Sun, 31 Feb 1994 08:49:37 GMT",    // no such day
                            "Sun, 06 Foo 1994 08:49:37 GMT",    // no such month
                            "Sun, 06 Nov 1994 24:00:00 GMT",    // no such hour
                            "Sun, 06 Nov 1994 08:61:00 GMT",    // no such minute
                            "Sun, 06 Nov 1994 08:49:37 GMT x",  // trailing text
                            "06 Nov 1994 08:49:37 GMT",         // no weekday
                            "sun, 06 nov 1994 08:49:37 gmt",    // names are case-sensitive
                            "1994-11-06T08:49:37Z"}) {          // not an HTTP-date
    EXPECT_EQ(parse_retry_after(value, kNow), std::nullopt) << value;
  }
}

}  // namespace
}  // namespace slwd::outbound
