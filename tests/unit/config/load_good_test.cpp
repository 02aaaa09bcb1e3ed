// Files that must load, and that every value lands in the right field.
#include <gtest/gtest.h>

#include "slwd/config/loader.hpp"
#include "test_support.hpp"

namespace slwd::config {
namespace {

using namespace std::chrono_literals;
using test::env_of;
using test::load;
using test::messages;

TEST(LoadGoodTest, ExampleYamlLoadsWithTheSecretSet) {
  auto result = load_config_file(SLWD_FIXTURES_DIR "/../../config/example.yaml",
                                 env_of({{"SMARTLEAD_WEBHOOK_SECRET", "whsec"}}));
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& config = *result.config;
  EXPECT_EQ(config.server.listen, "0.0.0.0:8080");
  ASSERT_EQ(config.endpoints.size(), 1u);
  EXPECT_EQ(config.endpoints[0].secrets, std::vector<std::string>{"whsec"});  // empty old dropped
  EXPECT_EQ(config.handlers.size(), 7u);
  for (const char* type : {"log", "file", "http", "slack", "hubspot", "command"}) {
    EXPECT_TRUE(std::any_of(config.handlers.begin(), config.handlers.end(),
                            [&](const HandlerConfig& h) { return h.type == type; }))
        << type;
  }
  EXPECT_EQ(config.admin.token, "");
}

TEST(LoadGoodTest, ExampleYamlNamesTheMissingSecret) {
  auto result = load_config_file(SLWD_FIXTURES_DIR "/../../config/example.yaml", env_of({}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("SMARTLEAD_WEBHOOK_SECRET is not set"), std::string::npos)
      << result.errors[0].to_string();
  EXPECT_FALSE(result.config);
}

TEST(LoadGoodTest, DevYamlLoadsWithoutAnyEnvironment) {
  auto result = load_config_file(SLWD_FIXTURES_DIR "/../../config/dev.yaml", env_of({}));
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& config = *result.config;
  EXPECT_EQ(config.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.admin.listen, "127.0.0.1:9090");
  EXPECT_EQ(config.endpoints[0].path, "/webhooks/smartlead");
  EXPECT_EQ(config.endpoints[0].secrets, std::vector<std::string>{"dev-secret"});
  EXPECT_EQ(config.store.sqlite.path, "./data/smartlead-webhookd.db");
  ASSERT_EQ(config.handlers.size(), 2u);
  EXPECT_EQ(config.handlers[0].name, "log");
  EXPECT_EQ(config.handlers[1].name, "audit");
  EXPECT_EQ(config.handlers[1].type, "file");
  EXPECT_EQ(config.handlers[1].path, "./data/events.jsonl");
  EXPECT_EQ(config.logging.format, LogFormat::text);
  EXPECT_EQ(config.source, SLWD_FIXTURES_DIR "/../../config/dev.yaml");
}

TEST(LoadGoodTest, FixtureEveryKeyIsReadIntoItsField) {
  auto result = load_config_file(SLWD_FIXTURES_DIR "/config/every_key.yaml", env_of({}));
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& c = *result.config;

  EXPECT_EQ(c.server.listen, "[::1]:8443");
  EXPECT_EQ(c.server.threads, 3u);
  EXPECT_EQ(c.server.max_body, 64u * 1024);
  EXPECT_EQ(c.server.header_timeout, 1500ms);
  EXPECT_EQ(c.server.body_timeout, 20s);
  EXPECT_EQ(c.server.idle_timeout, 2min);
  EXPECT_EQ(c.server.max_connections, 50u);
  EXPECT_EQ(c.server.shutdown_timeout, 5s);
  EXPECT_EQ(c.server.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1", "fd00::/8"}));
  ASSERT_TRUE(c.server.tls);
  EXPECT_EQ(c.server.tls->cert_file, "/etc/x/cert.pem");
  EXPECT_EQ(c.server.tls->key_file, "/etc/x/key.pem");

  EXPECT_EQ(c.admin.listen, "127.0.0.1:9191");
  EXPECT_EQ(c.admin.token, "admintoken");

  ASSERT_EQ(c.endpoints.size(), 2u);
  EXPECT_EQ(c.endpoints[0].path, "/a");
  EXPECT_EQ(c.endpoints[0].secrets, (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(c.endpoints[0].require_signature);
  EXPECT_TRUE(c.endpoints[0].accept_body_secret_key);
  EXPECT_EQ(c.endpoints[0].handlers, (std::vector<std::string>{"audit", "hook"}));
  EXPECT_EQ(c.endpoints[1].path, "/b");
  EXPECT_TRUE(c.endpoints[1].secrets.empty());
  EXPECT_FALSE(c.endpoints[1].require_signature);
  EXPECT_EQ(c.endpoints[1].handlers, std::vector<std::string>{"all"});

  EXPECT_EQ(c.store.type, StoreType::redis);
  EXPECT_EQ(c.store.sqlite.path, "/var/lib/x.db");
  EXPECT_EQ(c.store.sqlite.synchronous, SqliteSync::full);
  EXPECT_EQ(c.store.redis.url, "redis://10.1.2.3:6380/2");
  EXPECT_EQ(c.store.redis.key_prefix, "p:");
  EXPECT_EQ(c.store.redis.connect_timeout, 3s);
  EXPECT_EQ(c.store.redis.command_timeout, 4s);
  EXPECT_EQ(c.store.redis.lease, 1min);
  EXPECT_TRUE(c.store.redis.require_safe_config);
  EXPECT_EQ(c.store.dedupe_ttl, 48h);
  EXPECT_FALSE(c.store.dedupe_body);

  EXPECT_EQ(c.delivery.workers, 16u);
  EXPECT_EQ(c.delivery.timeout, 7s);
  EXPECT_EQ(c.delivery.retry.max_attempts, 3);
  EXPECT_EQ(c.delivery.retry.initial, 500ms);
  EXPECT_DOUBLE_EQ(c.delivery.retry.multiplier, 2.5);
  EXPECT_EQ(c.delivery.retry.max, 10min);
  EXPECT_FALSE(c.delivery.retry.jitter);

  ASSERT_EQ(c.handlers.size(), 6u);
  const HandlerConfig& audit = c.handlers[0];
  EXPECT_EQ(audit.type, "file");
  EXPECT_EQ(audit.path, "/tmp/audit.jsonl");
  EXPECT_EQ(audit.fsync, FsyncMode::always);
  EXPECT_FALSE(audit.events);  // every type
  EXPECT_FALSE(audit.retry);
  EXPECT_FALSE(audit.timeout);
  EXPECT_FALSE(audit.rate_limit);
  EXPECT_EQ(audit.line, 43);

  const HandlerConfig& hook = c.handlers[1];
  EXPECT_EQ(hook.type, "http");
  EXPECT_EQ(hook.url, "https://example.com/in");
  EXPECT_EQ(hook.secret, "fwd");
  EXPECT_EQ(hook.headers, (std::map<std::string, std::string>{{"X-A", "1"}, {"X-B", "two words"}}));
  // Aliases canonicalized, duplicates dropped, order kept.
  EXPECT_EQ(hook.events, (std::vector<std::string>{"EMAIL_REPLY", "EMAIL_OPEN"}));
  EXPECT_EQ(hook.filter.campaign_id, (std::vector<std::string>{"123", "456"}));
  EXPECT_EQ(hook.filter.category, (std::vector<std::string>{"Interested", "Meeting Booked"}));
  EXPECT_EQ(hook.filter.level, (std::vector<std::string>{"campaign"}));
  EXPECT_EQ(hook.filter.event_type, (std::vector<std::string>{"EMAIL_REPLY"}));
  EXPECT_EQ(hook.timeout, 2s);
  ASSERT_TRUE(hook.retry);
  // Only max_attempts overridden; the rest inherited from delivery.retry (given later in the file).
  EXPECT_EQ(hook.retry->max_attempts, 2);
  EXPECT_EQ(hook.retry->initial, 500ms);
  EXPECT_DOUBLE_EQ(hook.retry->multiplier, 2.5);
  EXPECT_EQ(hook.retry->max, 10min);
  EXPECT_FALSE(hook.retry->jitter);
  ASSERT_TRUE(hook.rate_limit);
  EXPECT_DOUBLE_EQ(hook.rate_limit->per_second, 0.5);
  EXPECT_DOUBLE_EQ(hook.rate_limit->burst, 2);

  const HandlerConfig& slack = c.handlers[2];
  EXPECT_EQ(slack.type, "slack");
  EXPECT_EQ(slack.url, "https://hooks.slack.com/services/T/B/X");
  EXPECT_EQ(slack.app_url, "https://app.smartlead.ai");
  EXPECT_EQ(slack.templates, (std::map<std::string, std::string>{{"EMAIL_REPLY", "hi"},
                                                                 {"EMAIL_BOUNCE", "bounced"}}));

  const HandlerConfig& crm = c.handlers[3];
  EXPECT_EQ(crm.type, "hubspot");
  EXPECT_EQ(crm.token, "pat-1");
  EXPECT_EQ(crm.base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(crm.properties, (std::map<std::string, std::string>{{"category", "sl_cat"},
                                                                {"bounced", "sl_bounced"}}));
  EXPECT_EQ(crm.category_map, (std::map<std::string, std::string>{{"Interested", "hot"}}));

  const HandlerConfig& cmd = c.handlers[4];
  EXPECT_EQ(cmd.type, "command");
  EXPECT_EQ(cmd.argv, (std::vector<std::string>{"/bin/cat", "-", ""}));

  const HandlerConfig& log = c.handlers[5];
  EXPECT_EQ(log.type, "log");
  EXPECT_EQ(log.base_url, "https://api.hubapi.com");  // untouched default

  EXPECT_EQ(c.logging.level, "debug");
  EXPECT_EQ(c.logging.format, LogFormat::text);
  EXPECT_TRUE(c.logging.redact_emails);
}

TEST(LoadGoodTest, LookupsAndHandlersOfExpandAllInConfigOrder) {
  auto result = load(R"(
endpoints:
  - path: /a
    secrets: [x]
    handlers: [second, first]
  - path: /b
    secrets: [x]
handlers:
  - name: first
    type: log
  - name: second
    type: log
)");
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& c = *result.config;
  ASSERT_NE(c.find_handler("second"), nullptr);
  EXPECT_EQ(c.find_handler("second")->name, "second");
  EXPECT_EQ(c.find_handler("third"), nullptr);
  ASSERT_NE(c.find_endpoint("/b"), nullptr);
  EXPECT_EQ(c.find_endpoint("/b")->path, "/b");
  EXPECT_EQ(c.find_endpoint("/c"), nullptr);
  EXPECT_EQ(c.handlers_of(*c.find_endpoint("/a")), (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(c.handlers_of(*c.find_endpoint("/b")), (std::vector<std::string>{"first", "second"}));
}

TEST(LoadGoodTest, ScalarHandlersAllAndSingleValueLists) {
  auto result = load(R"(
endpoints:
  - path: /a
    secrets: only-one
    handlers: all
handlers:
  - name: h
    type: log
    events: EMAIL_REPLIED
    filter: { campaign_id: 7 }
)");
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  EXPECT_EQ(result.config->endpoints[0].secrets, std::vector<std::string>{"only-one"});
  EXPECT_EQ(result.config->endpoints[0].handlers, std::vector<std::string>{"all"});
  EXPECT_EQ(result.config->handlers[0].events, std::vector<std::string>{"EMAIL_REPLY"});
  EXPECT_EQ(result.config->handlers[0].filter.campaign_id, std::vector<std::string>{"7"});
}

TEST(LoadGoodTest, DefaultsApplyWhereSectionsAreLeftOut) {
  auto result = load(test::kMinimalTail);
  ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(messages(result));
  const Config& c = *result.config;
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.admin.listen, "127.0.0.1:9090");
  EXPECT_EQ(c.server.max_body, 4u * 1024 * 1024);
  EXPECT_EQ(c.store.type, StoreType::sqlite);
  EXPECT_EQ(c.delivery.retry.max_attempts, 8);
  EXPECT_EQ(c.endpoints[0].handlers, std::vector<std::string>{"all"});
  EXPECT_EQ(c.source, "test.yaml");
}

TEST(BuiltinDefaultsTest, SecretFromEnvironment) {
  auto result = builtin_default_config(false, env_of({{"SMARTLEAD_WEBHOOK_SECRET", "abc"}}));
  ASSERT_TRUE(result.errors.empty());
  const Config& c = *result.config;
  EXPECT_EQ(c.source, "<built-in defaults>");
  EXPECT_EQ(c.server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.admin.listen, "127.0.0.1:9090");
  ASSERT_EQ(c.endpoints.size(), 1u);
  EXPECT_EQ(c.endpoints[0].path, "/webhooks/smartlead");
  EXPECT_EQ(c.endpoints[0].secrets, std::vector<std::string>{"abc"});
  EXPECT_TRUE(c.endpoints[0].require_signature);
  EXPECT_EQ(c.store.type, StoreType::sqlite);
  EXPECT_EQ(c.store.sqlite.path.rfind("./data/", 0), 0u);
  ASSERT_EQ(c.handlers.size(), 1u);
  EXPECT_EQ(c.handlers[0].name, "log");
  EXPECT_EQ(c.handlers[0].type, "log");
  EXPECT_EQ(c.handlers_of(c.endpoints[0]), std::vector<std::string>{"log"});
}

TEST(BuiltinDefaultsTest, UnsetOrEmptySecretIsOneErrorNamingTheVariable) {
  for (auto env : {env_of({}), env_of({{"SMARTLEAD_WEBHOOK_SECRET", ""}})}) {
    auto result = builtin_default_config(false, env);
    EXPECT_FALSE(result.config);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].to_string().rfind(
                  "<built-in defaults>: SMARTLEAD_WEBHOOK_SECRET is not set (", 0),
              0u)
        << result.errors[0].to_string();
  }
}

TEST(BuiltinDefaultsTest, InsecureNoSignatureTurnsTheCheckOff) {
  auto result = builtin_default_config(true, env_of({}));
  ASSERT_TRUE(result.errors.empty());
  EXPECT_FALSE(result.config->endpoints[0].require_signature);
  EXPECT_TRUE(result.config->endpoints[0].secrets.empty());
}

}  // namespace
}  // namespace slwd::config
