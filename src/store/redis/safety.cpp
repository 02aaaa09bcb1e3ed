// Start-up checks of the Redis server (SPEC §9): new enough for the commands the scripts use,
// and — for the daemon — configured as a queue must be: persisting (AOF) and never evicting.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store::redis {
namespace {

// CONFIG GET may be disabled or renamed (managed Redis): nullopt = unknown.
std::optional<std::string> config_get(Client& client, const std::string& name) {
  try {
    const auto reply = client.call({"CONFIG", "GET", name});
    if (reply.type != Reply::Type::array || reply.elements.size() < 2) return std::nullopt;
    return reply.elements[1].str;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// "7.0.15" from INFO server; empty when it cannot be read.
std::string server_version(Client& client) {
  try {
    const auto reply = client.call({"INFO", "server"});
    if (reply.is_error()) return {};
    const std::string key = "redis_version:";
    const auto at = reply.str.find(key);
    if (at == std::string::npos) return {};
    const auto end = reply.str.find_first_of("\r\n", at);
    return reply.str.substr(at + key.size(),
                            end == std::string::npos ? end : end - at - key.size());
  } catch (const std::exception&) {
    return {};
  }
}

bool older_than_6_2(const std::string& version) {
  int major = 0;
  int minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) return false;
  return major < 6 || (major == 6 && minor < 2);
}

}  // namespace

void check_server(Client& client, const config::RedisConfig& config, const std::string& where,
                  bool check_persistence) {
  const auto version = server_version(client);
  if (older_than_6_2(version)) {
    throw std::runtime_error("redis " + where + " is version " + version +
                             "; the store needs 6.2 or newer (7 recommended)");
  }
  if (!check_persistence) return;

  std::vector<std::string> problems;
  const auto appendonly = config_get(client, "appendonly");
  const auto policy = config_get(client, "maxmemory-policy");
  if (appendonly && *appendonly != "yes") {
    problems.push_back("appendonly is " + *appendonly +
                       ": a Redis restart loses every event recorded since its last snapshot, "
                       "after SmartLead was told they were received");
  }
  if (policy && *policy != "noeviction") {
    problems.push_back("maxmemory-policy is " + *policy +
                       ": under memory pressure Redis may evict queued events, retries, dead "
                       "letters and dedupe keys (lost work, duplicate deliveries)");
  }
  if (!problems.empty() && config.require_safe_config) {
    std::string message = "redis " + where + " is not safe as a queue: ";
    for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    throw std::runtime_error(message + " (store.redis.require_safe_config is true)");
  }
  for (const auto& problem : problems) {
    ops::log(ops::Level::warn,
             "UNSAFE REDIS CONFIGURATION: set appendonly yes and maxmemory-policy noeviction",
             {{"redis", where}, {"problem", problem}});
  }
  // Unknown is not unsafe: managed services often disable CONFIG. Say so, but start.
  if (!appendonly || !policy) {
    ops::log(ops::Level::warn,
             "cannot read redis CONFIG (disabled or renamed?): make sure it persists with AOF and "
             "uses maxmemory-policy noeviction",
             {{"redis", where},
              {"unknown", !appendonly && !policy ? "appendonly, maxmemory-policy"
                          : !appendonly          ? "appendonly"
                                                 : "maxmemory-policy"}});
  }
}

}  // namespace slwd::store::redis
