// store: and delivery: sections (and the retry: mapping shared with handlers).
#include "scalars.hpp"
#include "schema.hpp"

namespace slwd::config::detail {
namespace {

void read_sqlite(Reader& reader, const Field& field, SqliteConfig& sqlite) {
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  walker.on("path", [&](const Field& f) { assign(sqlite.path, reader.non_empty_text(f)); });
  walker.on("synchronous", [&](const Field& f) {
    if (auto value = reader.one_of(f, {"normal", "full"})) {
      sqlite.synchronous = *value == "full" ? SqliteSync::full : SqliteSync::normal;
    }
  });
  walker.run();
}

void read_redis(Reader& reader, const Field& field, RedisConfig& redis) {
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  SecretPair url{"url"};  // may carry a password
  register_secret_pair(reader, walker, url);
  walker.on("key_prefix", [&](const Field& f) { assign(redis.key_prefix, reader.text(f)); });
  walker.on("connect_timeout",
            [&](const Field& f) { assign(redis.connect_timeout, reader.duration(f)); });
  walker.on("command_timeout",
            [&](const Field& f) { assign(redis.command_timeout, reader.duration(f)); });
  walker.on("lease", [&](const Field& f) { assign(redis.lease, reader.duration(f)); });
  walker.on("require_safe_config",
            [&](const Field& f) { assign(redis.require_safe_config, reader.boolean(f)); });
  walker.run();
  if (!resolve_secret_pair(reader, walker, url) || !url.value) return;
  // Never echo the URL: it may hold the Redis password.
  if (!is_redis_url(*url.value)) {
    reader.error(url.line(), walker.path("url") +
                                 ": not a Redis URL (use redis://HOST:PORT/DB, rediss://... or "
                                 "unix:///path)");
    return;
  }
  redis.url = *url.value;
}

}  // namespace

void read_store(Reader& reader, const Field& field, StoreConfig& store) {
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  walker.on("type", [&](const Field& f) {
    if (auto value = reader.one_of(f, {"sqlite", "redis"})) {
      store.type = *value == "redis" ? StoreType::redis : StoreType::sqlite;
    }
  });
  walker.on("sqlite", [&](const Field& f) { read_sqlite(reader, f, store.sqlite); });
  walker.on("redis", [&](const Field& f) { read_redis(reader, f, store.redis); });
  walker.on("dedupe_ttl", [&](const Field& f) { assign(store.dedupe_ttl, reader.duration(f)); });
  walker.on("dedupe_body", [&](const Field& f) { assign(store.dedupe_body, reader.boolean(f)); });
  walker.run();
}

void read_retry(Reader& reader, const Field& field, RetryDraft& retry) {
  retry.line = field.line;
  if (!reader.expect_map(field)) return;
  MapWalker walker(reader, field);
  walker.on("max_attempts", [&](const Field& f) {
    if (auto value = reader.integer(f, 1, 1'000'000)) retry.max_attempts = static_cast<int>(*value);
  });
  walker.on("initial", [&](const Field& f) {
    retry.initial_line = f.line;
    retry.initial = reader.duration(f);
  });
  walker.on("multiplier", [&](const Field& f) { retry.multiplier = reader.number(f, 1, true); });
  walker.on("max", [&](const Field& f) {
    retry.max_line = f.line;
    retry.max = reader.duration(f);
  });
  walker.on("jitter", [&](const Field& f) { retry.jitter = reader.boolean(f); });
  walker.run();
}

void read_delivery(Reader& reader, const Field& field, Draft& draft) {
  if (!reader.expect_map(field)) return;
  DeliveryConfig& delivery = draft.config.delivery;
  MapWalker walker(reader, field);
  walker.on("workers",
            [&](const Field& f) { assign(delivery.workers, reader.integer(f, 1, 4096)); });
  walker.on("timeout", [&](const Field& f) { assign(delivery.timeout, reader.duration(f)); });
  walker.on("retry", [&](const Field& f) { read_retry(reader, f, draft.delivery_retry); });
  walker.run();
  const RetryDraft& retry = draft.delivery_retry;
  assign(delivery.retry.max_attempts, retry.max_attempts);
  assign(delivery.retry.initial, retry.initial);
  assign(delivery.retry.multiplier, retry.multiplier);
  assign(delivery.retry.max, retry.max);
  assign(delivery.retry.jitter, retry.jitter);
}

}  // namespace slwd::config::detail
