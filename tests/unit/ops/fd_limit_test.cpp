// The daemon raises its open-file soft limit to the hard limit at startup (src/ops/fd_limit.cpp).
#include "slwd/ops/fd_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace slwd::ops {
namespace {

// Restores the process's limit whatever the test did to it.
class FdLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved_), 0); }
  void TearDown() override { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  rlimit saved_{};
};

TEST_F(FdLimitTest, RaisesTheSoftLimitToTheHardLimit) {
  if (saved_.rlim_max < 512) GTEST_SKIP() << "hard limit too low to lower the soft one below it";
  rlimit low = saved_;
  low.rlim_cur = 256;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);

  const FdLimit result = raise_fd_limit();
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.before, 256u);
  EXPECT_EQ(result.soft, saved_.rlim_max);
  EXPECT_EQ(result.hard, saved_.rlim_max);
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, saved_.rlim_max);
}

TEST_F(FdLimitTest, ALimitAlreadyAtTheHardLimitIsLeftAsItIs) {
  rlimit full = saved_;
  full.rlim_cur = full.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &full), 0);
  const FdLimit result = raise_fd_limit();
  EXPECT_EQ(result.before, full.rlim_max);
  EXPECT_EQ(result.soft, full.rlim_max);
  EXPECT_EQ(result.error, "");
}

TEST(FdsNeeded, IsMaxConnectionsPlusTheMargin) {
  EXPECT_EQ(fds_needed(10000), 10000u + kFdMarginBesidesConnections);
  EXPECT_EQ(fds_needed(0), kFdMarginBesidesConnections);
}

}  // namespace
}  // namespace slwd::ops
