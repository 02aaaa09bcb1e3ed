// Durations, sizes and the error format.
#include <gtest/gtest.h>

#include "slwd/config/loader.hpp"

namespace slwd::config {
namespace {

using namespace std::chrono_literals;

struct DurationCase {
  const char* text;
  std::optional<Duration> expected;
};

class DurationTest : public ::testing::TestWithParam<DurationCase> {};

TEST_P(DurationTest, Parses) {
  const auto& c = GetParam();
  EXPECT_EQ(parse_duration(c.text), c.expected) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DurationTest,
    ::testing::Values(DurationCase{"500ms", Duration(500)}, DurationCase{"1ms", Duration(1)},
                      DurationCase{"10s", Duration(10'000)}, DurationCase{"5m", Duration(300'000)},
                      DurationCase{"2h", Duration(7'200'000)},
                      DurationCase{"7d", Duration(604'800'000)}, DurationCase{"0s", std::nullopt},
                      DurationCase{"0ms", std::nullopt}, DurationCase{"-5s", std::nullopt},
                      DurationCase{"10", std::nullopt}, DurationCase{"", std::nullopt},
                      DurationCase{"s", std::nullopt}, DurationCase{"1.5s", std::nullopt},
                      DurationCase{"10 s", std::nullopt}, DurationCase{"10S", std::nullopt},
                      DurationCase{"10sec", std::nullopt}, DurationCase{"1w", std::nullopt},
                      DurationCase{"abc", std::nullopt},
                      DurationCase{"99999999999999999999d", std::nullopt},
                      DurationCase{"9999999999999999d", std::nullopt}));

struct SizeCase {
  const char* text;
  std::optional<std::size_t> expected;
};

class SizeTest : public ::testing::TestWithParam<SizeCase> {};

TEST_P(SizeTest, Parses) {
  const auto& c = GetParam();
  EXPECT_EQ(parse_size(c.text), c.expected) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, SizeTest,
    ::testing::Values(SizeCase{"512", 512}, SizeCase{"1", 1}, SizeCase{"64KiB", 65536},
                      SizeCase{"4MiB", 4u * 1024 * 1024}, SizeCase{"1GiB", 1024ull * 1024 * 1024},
                      SizeCase{"0", std::nullopt}, SizeCase{"0KiB", std::nullopt},
                      SizeCase{"-1", std::nullopt}, SizeCase{"4MB", std::nullopt},
                      SizeCase{"4mib", std::nullopt}, SizeCase{"4 MiB", std::nullopt},
                      SizeCase{"1.5MiB", std::nullopt}, SizeCase{"", std::nullopt},
                      SizeCase{"MiB", std::nullopt}, SizeCase{"12 parsecs", std::nullopt},
                      SizeCase{"99999999999999999999", std::nullopt},
                      SizeCase{"99999999999999GiB", std::nullopt}));

TEST(ConfigErrorTest, FormatsFileLineMessage) {
  EXPECT_EQ((ConfigError{"a.yaml", 12, "bad"}).to_string(), "a.yaml:12: bad");
  // No line (the file itself could not be read): no ":0".
  EXPECT_EQ((ConfigError{"a.yaml", 0, "cannot read"}).to_string(), "a.yaml: cannot read");
}

}  // namespace
}  // namespace slwd::config
