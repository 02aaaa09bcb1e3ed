#pragma once
// Runs an end-to-end suite once per store: `::testing::TestWithParam<StoreKind>` fixtures derive
// from StoreParamTest, write `store_block()` under `store:` in their config, and are
// instantiated with `INSTANTIATE_TEST_SUITE_P(Stores, Suite, kAllStores, store_kind_name)`,
// giving names like `Stores/Ingest.X/sqlite` and `Stores/Ingest.X/redis`.
//
// With `redis`, every test gets its own private redis-server (tests/support/redis_server.hpp),
// started in SetUp on the test's thread and killed with the fixture.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>

#include "support/redis_server.hpp"

namespace slwd::testing {

enum class StoreKind { sqlite, redis };

inline std::string store_kind_name(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::sqlite ? "sqlite" : "redis";
}

inline const auto kAllStores = ::testing::Values(StoreKind::sqlite, StoreKind::redis);

// The lines under `store:` (indented two spaces, newline-terminated) for a store of `kind`;
// `redis_url` is used for redis only.
inline std::string store_lines(StoreKind kind, const std::string& redis_url) {
  if (kind == StoreKind::sqlite) return "  sqlite: { path: \"{{DIR}}/store.db\" }\n";
  return "  type: redis\n  redis: { url: \"" + redis_url + "\", key_prefix: \"slwh:\" }\n";
}

class StoreParamTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  // Derived fixtures that override SetUp/TearDown call these first/last.
  void SetUp() override {
    if (GetParam() == StoreKind::redis) redis_ = std::make_unique<slwd::test::RedisServer>();
  }
  void TearDown() override {
    if (HasFailure() && redis_) std::cerr << "---- redis log ----\n" << redis_->log();
  }

  StoreKind store_kind() const { return GetParam(); }
  bool on_redis() const { return GetParam() == StoreKind::redis; }
  std::string store_block() const { return store_lines(GetParam(), redis_ ? redis_->url() : ""); }

  std::unique_ptr<slwd::test::RedisServer> redis_;
};

}  // namespace slwd::testing
