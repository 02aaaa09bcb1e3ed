#pragma once
// A plain connection for the Redis store tests to look at (and meddle with) what the store wrote.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "slwd/store/redis/client.hpp"
#include "support/redis_server.hpp"

namespace slwd::store::test {

class Raw {
 public:
  explicit Raw(const slwd::test::RedisServer& server) {
    redis::ClientOptions options;
    std::string error;
    options.url = *redis::parse_redis_url(server.url(), error);
    client_ = std::make_unique<redis::Client>(options);
    client_->start();
    EXPECT_TRUE(client_->wait_connected(std::chrono::seconds(10)));
  }
  redis::Reply operator()(std::vector<std::string> args) { return client_->call(std::move(args)); }
  long long integer(std::vector<std::string> args) { return (*this)(std::move(args)).integer; }

  // Calls of `command` (e.g. "evalsha") since the last CONFIG RESETSTAT.
  long long calls(const std::string& command) {
    const auto info = (*this)({"INFO", "commandstats"}).str;
    const auto key = "cmdstat_" + command + ":calls=";
    const auto at = info.find(key);
    return at == std::string::npos ? 0 : std::stoll(info.substr(at + key.size()));
  }

 private:
  std::unique_ptr<redis::Client> client_;
};

}  // namespace slwd::store::test
