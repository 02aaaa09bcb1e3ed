// Timestamps in logs, file lines, dead letters and HubSpot notes (ops::iso8601_ms).
#include "slwd/ops/time_format.hpp"

#include <gtest/gtest.h>

namespace slwd::ops {
namespace {

TEST(Iso8601Ms, WritesUtcWithMilliseconds) {
  EXPECT_EQ(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(1700000000123), "2023-11-14T22:13:20.123Z");
}

TEST(Iso8601Ms, TimesBeforeTheEpochRoundTowardsThePast) {
  EXPECT_EQ(iso8601_ms(-500), "1969-12-31T23:59:59.500Z");
  EXPECT_EQ(iso8601_ms(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(iso8601_ms(-1001), "1969-12-31T23:59:58.999Z");
}

}  // namespace
}  // namespace slwd::ops
