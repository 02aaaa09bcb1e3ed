#pragma once
// The validated, immutable configuration (SPEC §3). Everything here is plain data: the loader
// (loader.hpp) turns YAML into it, every other part reads it through a shared_ptr<const Config>.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace slwd::config {

using Duration = std::chrono::milliseconds;

struct TlsConfig {
  std::string cert_file;
  std::string key_file;
  int line = 0;  // of the `tls` key: where the listener reports files it cannot use
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";  // "host:port"; IPv6 as "[::1]:8080"
  unsigned threads = 0;                   // 0 = one per core
  std::size_t max_body = 4 * 1024 * 1024;
  Duration header_timeout = std::chrono::seconds(10);
  Duration body_timeout = std::chrono::seconds(30);
  Duration idle_timeout = std::chrono::seconds(75);
  std::size_t max_connections = 10000;
  Duration shutdown_timeout = std::chrono::seconds(20);
  std::vector<std::string> trusted_proxies{"127.0.0.1/32"};  // CIDR strings, validated
  std::optional<TlsConfig> tls;
};

struct AdminConfig {
  std::string listen = "127.0.0.1:9090";
  std::string token;  // empty = no auth
};

struct EndpointConfig {
  std::string path = "/webhooks/smartlead";
  std::vector<std::string> secrets;
  bool require_signature = true;
  bool accept_body_secret_key = false;
  std::vector<std::string> handlers{"all"};  // resolved: "all" is kept as the single entry "all"
};

enum class SqliteSync { normal, full };

struct SqliteConfig {
  std::string path = "./data/smartlead-webhookd.db";
  SqliteSync synchronous = SqliteSync::normal;
};

struct RedisConfig {
  std::string url = "redis://127.0.0.1:6379/0";
  std::string key_prefix = "slwh:";
  Duration connect_timeout = std::chrono::seconds(2);
  Duration command_timeout = std::chrono::seconds(2);
  Duration lease = std::chrono::seconds(30);
  bool require_safe_config = false;
};

enum class StoreType { sqlite, redis };

struct StoreConfig {
  StoreType type = StoreType::sqlite;
  SqliteConfig sqlite;
  RedisConfig redis;
  Duration dedupe_ttl = std::chrono::hours(24 * 7);
  bool dedupe_body = true;
};

struct RetryConfig {
  int max_attempts = 8;
  Duration initial = std::chrono::seconds(1);
  double multiplier = 4;
  Duration max = std::chrono::hours(1);
  bool jitter = true;
};

struct DeliveryConfig {
  unsigned workers = 4;
  Duration timeout = std::chrono::seconds(10);
  RetryConfig retry;
};

struct RateLimit {
  double per_second = 0;
  double burst = 0;
};

// AND across keys, OR within a list; an empty list means "no condition on this key".
struct FilterConfig {
  std::vector<std::string> campaign_id;
  std::vector<std::string> category;
  std::vector<std::string> level;
  std::vector<std::string> event_type;
};

enum class FsyncMode { always, batch, never };

struct HandlerConfig {
  std::string name;
  std::string type;  // log | file | http | slack | hubspot | command
  std::optional<std::vector<std::string>> events;  // canonical names; nullopt = every type
  FilterConfig filter;
  std::optional<Duration> timeout;
  std::optional<RetryConfig> retry;
  std::optional<RateLimit> rate_limit;

  // file
  std::string path;
  FsyncMode fsync = FsyncMode::batch;
  // http / slack (url); http also secret + headers
  std::string url;
  std::string secret;
  std::map<std::string, std::string> headers;
  // slack
  std::string app_url;
  std::map<std::string, std::string> templates;  // event type -> template text
  // hubspot
  std::string token;
  std::string base_url = "https://api.hubapi.com";
  std::map<std::string, std::string> properties;    // category / unsubscribed / bounced
  std::map<std::string, std::string> category_map;  // SmartLead category -> property value
  // command
  std::vector<std::string> argv;

  int line = 0;  // where the handler starts in its file, for later messages
};

enum class LogFormat { json, text };

struct LoggingConfig {
  std::string level = "info";  // trace debug info warn error critical off
  LogFormat format = LogFormat::json;
  bool redact_emails = false;
};

struct Config {
  ServerConfig server;
  AdminConfig admin;
  std::vector<EndpointConfig> endpoints;
  StoreConfig store;
  DeliveryConfig delivery;
  std::vector<HandlerConfig> handlers;
  LoggingConfig logging;
  std::string source;  // file it came from, or "<built-in defaults>"

  const HandlerConfig* find_handler(const std::string& name) const;
  const EndpointConfig* find_endpoint(std::string_view path) const;
  // The handler names an endpoint routes to ("all" expanded), in config order.
  std::vector<std::string> handlers_of(const EndpointConfig& endpoint) const;
};

}  // namespace slwd::config
