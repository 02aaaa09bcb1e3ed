// Bad files: every kind of problem, each at its exact line, all reported at once.
#include <gtest/gtest.h>

#include "slwd/config/loader.hpp"
#include "test_support.hpp"

namespace slwd::config {
namespace {

using test::load;
using test::messages;
using Lines = std::vector<std::string>;

// Prefixes "test.yaml:" so expectations stay short.
Lines at(std::initializer_list<const char*> lines) {
  Lines out;
  for (const char* line : lines) out.push_back(std::string("test.yaml:") + line);
  return out;
}

TEST(ManyErrorsTest, EveryProblemInTheFileIsReportedInFileOrder) {
  auto result = load_config_file(SLWD_FIXTURES_DIR "/config/many_errors.yaml", test::env_of({}));
  EXPECT_FALSE(result.config);
  Lines expected = {
      R"(test.yaml:3: server.listen: "0.0.0.0:99999" is not a listen address (port must be 1..65535))",
      R"(test.yaml:4: server.threads: "-1" is not a whole number)",
      R"(test.yaml:5: server.max_body: "12 parsecs" is not a size (use 512, 64KiB, 4MiB))",
      R"(test.yaml:6: server.header_timeout: must be greater than 0)",
      R"(test.yaml:7: server.body_timeout: "10" is not a duration (use 500ms, 10s, 5m, 2h, 7d))",
      R"(test.yaml:8: server.idle_timeout: expected a value, got a list)",
      R"(test.yaml:9: server.max_connections: must be 1..10000000)",
      R"(test.yaml:10: server.shutdown_timeout: missing value)",
      R"(test.yaml:11: server.trusted_proxies[0]: "10.0.0.0/33" is not an IP address or CIDR (prefix length must be 0..32))",
      R"(test.yaml:11: server.trusted_proxies[1]: "nope" is not an IP address or CIDR)",
      R"(test.yaml:11: server.trusted_proxies[2]: "::1/129" is not an IP address or CIDR (prefix length must be 0..128))",
      R"(test.yaml:12: server.tls: missing required key "key_file")",
      R"(test.yaml:13: unknown key "colour" in server)",
      R"(test.yaml:15: admin.listen: the admin port must differ from the public port (127.0.0.1:8080 / 127.0.0.1:8080))",
      R"(test.yaml:17: admin.token_file: cannot read "/nonexistent/tok": No such file or directory)",
      R"(test.yaml:17: admin.token: both "token" and "token_file" are given; use one)",
      R"(test.yaml:19: endpoints[0].path: "hook" must start with "/" and hold no spaces, "?" or "#")",
      R"(test.yaml:20: endpoints[0]: require_signature is true but no secret is configured (set secrets or secrets_file, or require_signature: false))",
      R"(test.yaml:21: endpoints[0].handlers[1]: "all" must be the only entry)",
      R"(test.yaml:23: endpoints[1].handlers[1]: handler "audit" is listed twice)",
      R"(test.yaml:23: endpoints[1].handlers[2]: no handler is named "ghost")",
      R"(test.yaml:24: endpoints[1].require_signature: "maybe" is not true or false)",
      R"(test.yaml:25: endpoints[2].path: "/b" is already used by the endpoint at line 22)",
      R"(test.yaml:26: endpoints[2].secrets[0]: environment variable UNSET is not set (use ${UNSET:-default} for a fallback))",
      R"(test.yaml:27: endpoints[3]: missing required key "path")",
      R"(test.yaml:29: store.type: "mysql" is not one of sqlite, redis)",
      R"(test.yaml:30: store.sqlite.synchronous: "extra" is not one of normal, full)",
      R"(test.yaml:31: store.redis.lease: must be greater than 0)",
      R"(test.yaml:31: store.redis.url: not a Redis URL (use redis://HOST:PORT/DB, rediss://... or unix:///path))",
      R"(test.yaml:32: store.dedupe_ttl: "forever" is not a duration (use 500ms, 10s, 5m, 2h, 7d))",
      R"(test.yaml:34: delivery.workers: must be 1..4096)",
      R"(test.yaml:35: delivery.retry.max_attempts: must be 1..1000000)",
      R"(test.yaml:35: delivery.retry.multiplier: must be at least 1)",
      R"(test.yaml:35: delivery.retry.jitter: "maybe" is not true or false)",
      R"(test.yaml:35: delivery.retry: initial must not be above max)",
      R"(test.yaml:37: handlers[0]: missing required key "path" for type file)",
      R"(test.yaml:39: handlers[1].name: "audit" is already used by the handler at line 37)",
      R"(test.yaml:41: unknown key "path" in handlers[1] (type http does not use it; it belongs to file))",
      R"(test.yaml:42: handlers[1].url: not an http(s) URL)",
      R"(test.yaml:43: handlers[1].headers: "Bad Header" is not a valid header name)",
      R"(test.yaml:43: handlers[1].headers.X-Ok: header values must not contain line breaks)",
      R"(test.yaml:44: handlers[2]: missing required key "name")",
      R"(test.yaml:45: handlers[2].token: must not be empty)",
      R"(test.yaml:46: unknown key "colour" in handlers[2].properties (use category, unsubscribed, bounced))",
      R"(test.yaml:49: handlers[3].argv: must be a non-empty list starting with the program)",
      R"(test.yaml:50: handlers[4]: missing required key "url" for type slack)",
      R"(test.yaml:52: handlers[4].events[1]: unknown event type "NOPE" (known: EMAIL_SENT, FIRST_EMAIL_SENT, EMAIL_OPEN, EMAIL_LINK_CLICK, EMAIL_REPLY, EMAIL_BOUNCE, LEAD_UNSUBSCRIBED, LEAD_CATEGORY_UPDATED, CAMPAIGN_STATUS_CHANGED, UNTRACKED_REPLIES, MANUAL_STEP_REACHED))",
      R"(test.yaml:53: handlers[4].filter.campaign_id: empty list (leave the key out for no condition))",
      R"(test.yaml:53: unknown key "colour" in handlers[4].filter)",
      R"(test.yaml:54: handlers[4].rate_limit.per_second: must be greater than 0)",
      R"(test.yaml:54: handlers[4].rate_limit: missing required key "burst")",
      R"(test.yaml:56: handlers[5].type: "carrier-pigeon" is not one of log, file, http, slack, hubspot, command)",
      R"(test.yaml:58: unknown key "wings" in handlers[5])",
      R"(test.yaml:59: handlers[6].name: "all" is reserved (endpoints use it for every handler))",
      R"(test.yaml:61: handlers[6].retry: initial must not be above max)",
      R"(test.yaml:62: logging.level: "loud" is not one of trace, debug, info, warn, error, critical, off)",
      R"(test.yaml:62: logging.format: "xml" is not one of json, text)",
      R"(test.yaml:62: logging.redact_emails: "2" is not true or false)",
      R"(test.yaml:63: unknown key "extra" at the top level)",
  };
  // The fixture is loaded under its own path; compare against the short name.
  Lines got;
  for (auto error : result.errors) {
    error.file = "test.yaml";
    got.push_back(error.to_string());
  }
  EXPECT_EQ(got, expected);
}

TEST(SyntaxErrorTest, OneErrorAtTheLineYamlCppReports) {
  auto result = load(R"(
server:
  listen: "127.0.0.1:8080"
  trusted_proxies: [127.0.0.1/32
  threads: 2
)");
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 4);
  EXPECT_EQ(result.errors[0].message.rfind("YAML syntax error: ", 0), 0u)
      << result.errors[0].message;
}

TEST(SyntaxErrorTest, BadIndentation) {
  auto result = load("server:\n  listen: a:1\n threads: 2\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].line, 3);
}

TEST(StructureTest, MissingEndpointsAndHandlersInAnEmptyFile) {
  EXPECT_EQ(messages(load("")),
            at({R"(1: no endpoints configured: add an "endpoints:" list)",
                R"(1: no handlers configured: add a "handlers:" list (e.g. one of type log))"}));
}

TEST(StructureTest, TopLevelMustBeAMapping) {
  EXPECT_EQ(
      messages(load("\n- server\n- endpoints\n")),
      at({"1: the top level must be a mapping (server:, endpoints:, handlers:, ...), got a list"}));
}

TEST(StructureTest, SecondDocumentIsRefused) {
  auto text = std::string(test::kMinimalTail) + "---\nserver: {}\n";
  EXPECT_EQ(messages(load(text)),
            at({R"(8: only one YAML document is allowed (found a second "---"))"}));
}

TEST(StructureTest, WrongYamlTypesAreErrorsNotExceptions) {
  auto result = load(R"(
server:
  listen: {host: a}
  trusted_proxies: 10.0.0.1
  tls: [a, b]
admin: nope
endpoints:
  - path: [/a]
    secrets: {a: b}
    handlers: {x: y}
  - just-a-string
store:
  sqlite: 3
delivery:
  retry: 8
handlers:
  - name: {n: 1}
    type: file
    path: [a]
    events: {EMAIL_REPLY: true}
    filter: [campaign_id]
    rate_limit: 5
  - name: h
    type: [log]
logging: [json]
)");
  EXPECT_EQ(messages(result), at({"2: server.listen: expected a value, got a mapping",
                                  "3: server.trusted_proxies: expected a list, got a value",
                                  "4: server.tls: expected a mapping, got a list",
                                  "5: admin: expected a mapping, got a value",
                                  "7: endpoints[0].path: expected a value, got a list",
                                  "8: endpoints[0].secrets: expected a list, got a mapping",
                                  "9: endpoints[0].handlers: expected a list, got a mapping",
                                  "10: endpoints[1]: expected a mapping, got a value",
                                  "12: store.sqlite: expected a mapping, got a value",
                                  "14: delivery.retry: expected a mapping, got a value",
                                  "16: handlers[0].name: expected a value, got a mapping",
                                  "18: handlers[0].path: expected a value, got a list",
                                  "19: handlers[0].events: expected a list, got a mapping",
                                  "20: handlers[0].filter: expected a mapping, got a list",
                                  "21: handlers[0].rate_limit: expected a mapping, got a value",
                                  "23: handlers[1].type: expected a value, got a list",
                                  "24: logging: expected a mapping, got a list"}));
}

TEST(StructureTest, DuplicateKeysAreReportedAtTheSecondOne) {
  auto text = std::string(R"(
server:
  listen: 127.0.0.1:1
  threads: 1
  listen: 127.0.0.1:2
)") + test::kMinimalTail +
              "    type: file\n";
  EXPECT_EQ(messages(load(text)), at({R"(4: duplicate key "listen" in server)",
                                      R"(11: duplicate key "type" in handlers[0])"}));
}

TEST(UnknownKeyTest, AtEveryLevel) {
  auto result = load(R"(
serverr: {}
server: { tls: { cert_file: a, key_file: b, ca_file: c } }
store: { redis: { urll: x } }
endpoints:
  - path: /a
    secrets: [x]
    secret: y
handlers:
  - name: h
    type: log
    retry: { attempts: 3 }
    rate_limit: { per_second: 1, burst: 1, per_minute: 3 }
)");
  EXPECT_EQ(messages(result), at({R"(1: unknown key "serverr" at the top level)",
                                  R"(2: unknown key "ca_file" in server.tls)",
                                  R"(3: unknown key "urll" in store.redis)",
                                  R"(7: unknown key "secret" in endpoints[0])",
                                  R"(11: unknown key "attempts" in handlers[0].retry)",
                                  R"(12: unknown key "per_minute" in handlers[0].rate_limit)"}));
}

TEST(HandlerTypeTest, KeysOfAnotherTypeAreUnknownForThisType) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - name: fwd
    type: http
    url: https://x.example
    path: /tmp/a
    token: t
    argv: [a]
  - name: l
    type: log
    url: https://x.example
    fsync: always
)");
  EXPECT_EQ(
      messages(result),
      at({R"(6: unknown key "path" in handlers[0] (type http does not use it; it belongs to file))",
          R"(7: unknown key "token" in handlers[0] (type http does not use it; it belongs to hubspot))",
          R"(8: unknown key "argv" in handlers[0] (type http does not use it; it belongs to command))",
          R"(11: unknown key "url" in handlers[1] (type log does not use it; it belongs to http, slack))",
          R"(12: unknown key "fsync" in handlers[1] (type log does not use it; it belongs to file))"}));
}

TEST(HandlerTypeTest, RequiredKeysPerType) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - {name: f, type: file}
  - {name: h, type: http}
  - {name: s, type: slack}
  - {name: c, type: hubspot}
  - {name: x, type: command}
  - {name: l, type: log}
  - {name: t}
)");
  EXPECT_EQ(
      messages(result),
      at({R"(3: handlers[0]: missing required key "path" for type file)",
          R"(4: handlers[1]: missing required key "url" for type http)",
          R"(5: handlers[2]: missing required key "url" for type slack)",
          R"(6: handlers[3]: missing required key "token" for type hubspot)",
          R"(7: handlers[4]: missing required key "argv" for type command)",
          R"(9: handlers[6]: missing required key "type" (log, file, http, slack, hubspot or command))"}));
}

TEST(HandlerTypeTest, UnknownTypeDoesNotCascadeIntoKeyErrors) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - name: p
    type: pigeon
    url: https://x.example
    path: /x
    wings: 2
)");
  EXPECT_EQ(
      messages(result),
      at({R"(4: handlers[0].type: "pigeon" is not one of log, file, http, slack, hubspot, command)",
          R"(7: unknown key "wings" in handlers[0])"}));
}

TEST(HandlerValueTest, NamesEventsFiltersAndUrls) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - name: "has space"
    type: log
    events: []
  - name: ok
    type: slack
    url: "not a url"
    app_url: ftp://x
    events: [EMAIL_REPLY, email_replied, WHATEVER]
    filter: { event_type: [NOPE], level: "" }
  - name: ok2
    type: hubspot
    token: t
    base_url: api.hubapi.com
    template: {}
  - name: ok3
    type: http
    url: https://x.example
    headers: [a]
)");
  EXPECT_EQ(
      messages(result),
      at({R"(3: handlers[0].name: "has space" may only hold letters, digits, '-', '_' and '.')",
          R"(5: handlers[0].events: empty list (leave the key out to match every type))",
          R"(8: handlers[1].url: not an http(s) URL)",
          R"(9: handlers[1].app_url: "ftp://x" is not an http(s) URL)",
          R"(10: handlers[1].events[2]: unknown event type "WHATEVER" (known: EMAIL_SENT, FIRST_EMAIL_SENT, EMAIL_OPEN, EMAIL_LINK_CLICK, EMAIL_REPLY, EMAIL_BOUNCE, LEAD_UNSUBSCRIBED, LEAD_CATEGORY_UPDATED, CAMPAIGN_STATUS_CHANGED, UNTRACKED_REPLIES, MANUAL_STEP_REACHED))",
          R"(11: handlers[1].filter.event_type[0]: unknown event type "NOPE" (known: EMAIL_SENT, FIRST_EMAIL_SENT, EMAIL_OPEN, EMAIL_LINK_CLICK, EMAIL_REPLY, EMAIL_BOUNCE, LEAD_UNSUBSCRIBED, LEAD_CATEGORY_UPDATED, CAMPAIGN_STATUS_CHANGED, UNTRACKED_REPLIES, MANUAL_STEP_REACHED))",
          R"(11: handlers[1].filter.level: must not be empty)",
          R"(15: handlers[2].base_url: "api.hubapi.com" is not an http(s) URL)",
          R"(16: unknown key "template" in handlers[2] (type hubspot does not use it; it belongs to slack))",
          R"(20: handlers[3].headers: expected a mapping, got a list)"}));
}

TEST(HandlerValueTest, RetryAndRateLimitBounds) {
  auto result = load(R"(
endpoints: [{path: /a, secrets: [x]}]
handlers:
  - name: a
    type: log
    timeout: 0ms
    retry:
      max_attempts: 0
      multiplier: 0.9
      initial: 10m
      max: 1m
    rate_limit: { per_second: -1, burst: 0.5 }
)");
  EXPECT_EQ(messages(result), at({"5: handlers[0].timeout: must be greater than 0",
                                  "7: handlers[0].retry.max_attempts: must be 1..1000000",
                                  "8: handlers[0].retry.multiplier: must be at least 1",
                                  "10: handlers[0].retry: initial must not be above max",
                                  "11: handlers[0].rate_limit.per_second: must be greater than 0",
                                  "11: handlers[0].rate_limit.burst: must be at least 1"}));
}

TEST(CrossFieldTest, ReportedAtTheLaterKeyWhicheverComesFirst) {
  // require_signature before / after secrets.
  EXPECT_EQ(messages(load(R"(
endpoints:
  - path: /a
    require_signature: true
    secrets: ["${EMPTY:-}"]
handlers: [{name: l, type: log}]
)")),
            at({"4: endpoints[0]: require_signature is true but no secret is configured (set "
                "secrets or secrets_file, or require_signature: false)"}));
  EXPECT_EQ(messages(load(R"(
endpoints:
  - secrets: []
    path: /a
    require_signature: yes
handlers: [{name: l, type: log}]
)")),
            at({"4: endpoints[0]: require_signature is true but no secret is configured (set "
                "secrets or secrets_file, or require_signature: false)"}));
  // Default require_signature and no secrets key at all: at the endpoint.
  EXPECT_EQ(messages(load(R"(
endpoints:
  - path: /a
handlers: [{name: l, type: log}]
)")),
            at({"2: endpoints[0]: require_signature is true but no secret is configured (set "
                "secrets or secrets_file, or require_signature: false)"}));
}

TEST(CrossFieldTest, AdminAndPublicPortClash) {
  auto tail = std::string(test::kMinimalTail);
  EXPECT_EQ(
      messages(
          load("admin: {listen: \"0.0.0.0:7000\"}\nserver: {listen: \"127.0.0.1:7000\"}\n" + tail)),
      at({"2: server.listen: the admin port must differ from the public port "
          "(127.0.0.1:7000 / 0.0.0.0:7000)"}));
  EXPECT_EQ(messages(load("admin: {listen: \"127.0.0.1:8080\"}\n" + tail)),
            at({"1: admin.listen: the admin port must differ from the public port "
                "(127.0.0.1:8080 / 127.0.0.1:8080)"}));
  // Same port on two different specific addresses is fine.
  EXPECT_TRUE(load("admin: {listen: \"127.0.0.2:8080\"}\n" + tail).errors.empty());
}

TEST(CrossFieldTest, DelivererRetryBoundsAtTheLaterKey) {
  auto tail = std::string(test::kMinimalTail);
  EXPECT_EQ(messages(load("delivery:\n  retry:\n    max: 1s\n    initial: 2s\n" + tail)),
            at({"4: delivery.retry: initial must not be above max"}));
  // Only initial given: the default max (1h) is what it clashes with.
  EXPECT_EQ(messages(load("delivery:\n  retry:\n    initial: 2h\n" + tail)),
            at({"3: delivery.retry: initial must not be above max"}));
}

TEST(CrossFieldTest, EndpointHandlerReferences) {
  auto result = load(R"(
endpoints:
  - path: /a
    secrets: [x]
    handlers: [l, ghost, l]
  - path: /b
    secrets: [x]
    handlers: [all, l]
  - path: /a
    secrets: [x]
    handlers: []
handlers:
  - {name: l, type: log}
)");
  EXPECT_EQ(messages(result),
            at({R"(4: endpoints[0].handlers[1]: no handler is named "ghost")",
                R"(4: endpoints[0].handlers[2]: handler "l" is listed twice)",
                R"(7: endpoints[1].handlers[0]: "all" must be the only entry)",
                R"(8: endpoints[2].path: "/a" is already used by the endpoint at line 2)",
                "10: endpoints[2].handlers: must name at least one handler, or be [all]"}));
}

TEST(ValueTest, ListenAddresses) {
  auto check = [](const char* listen) {
    auto result = load(std::string("server: {listen: \"") + listen + "\"}\n" + test::kMinimalTail);
    return result.errors.empty() ? std::string("ok") : result.errors[0].message;
  };
  EXPECT_EQ(check("0.0.0.0:1"), "ok");
  EXPECT_EQ(check("localhost:65535"), "ok");
  EXPECT_EQ(check("[::]:8080"), "ok");
  EXPECT_EQ(check("[::1]:8080"), "ok");
  EXPECT_EQ(check("1.2.3.4:0"),
            R"(server.listen: "1.2.3.4:0" is not a listen address (port must be 1..65535))");
  EXPECT_EQ(check("1.2.3.4"),
            R"(server.listen: "1.2.3.4" is not a listen address (missing :port (use host:port)))");
  EXPECT_EQ(
      check(":8080"),
      R"(server.listen: ":8080" is not a listen address (missing host (use 0.0.0.0:PORT for every interface)))");
  EXPECT_EQ(
      check("::1:8080"),
      R"(server.listen: "::1:8080" is not a listen address (an IPv6 address needs brackets: [::1]:8080))");
  EXPECT_EQ(
      check("[zz]:80"),
      R"(server.listen: "[zz]:80" is not a listen address (not an IPv6 address between the brackets))");
  EXPECT_EQ(check("[::1]8080"),
            R"(server.listen: "[::1]8080" is not a listen address (use [v6-address]:port))");
  EXPECT_EQ(check("a b:80"),
            R"(server.listen: "a b:80" is not a listen address (not a valid host))");
  EXPECT_EQ(check("host:http"),
            R"(server.listen: "host:http" is not a listen address (port must be 1..65535))");
}

TEST(ValueTest, TrustedProxies) {
  auto result = load(
      "server:\n  trusted_proxies:\n    - 10.0.0.0/8\n    - 2001:db8::/32\n"
      "    - 192.168.1.1\n    - 10.0.0.0/x\n    - 1.2.3/24\n" +
      std::string(test::kMinimalTail));
  EXPECT_EQ(
      messages(result),
      at({R"(6: server.trusted_proxies[3]: "10.0.0.0/x" is not an IP address or CIDR (prefix length must be 0..32))",
          R"(7: server.trusted_proxies[4]: "1.2.3/24" is not an IP address or CIDR)"}));
}

TEST(ValueTest, EnumsAndBooleans) {
  auto result = load(R"(
store: { type: sqlite, sqlite: { synchronous: FULL } }
logging: { level: INFO }
endpoints: [{path: /a, secrets: [x], accept_body_secret_key: 1}]
handlers: [{name: f, type: file, path: /x, fsync: sometimes}]
)");
  EXPECT_EQ(
      messages(result),
      at({R"(1: store.sqlite.synchronous: "FULL" is not one of normal, full)",
          R"(2: logging.level: "INFO" is not one of trace, debug, info, warn, error, critical, off)",
          R"(3: endpoints[0].accept_body_secret_key: "1" is not true or false)",
          R"(4: handlers[0].fsync: "sometimes" is not one of always, batch, never)"}));
}

TEST(ValueTest, EndpointPaths) {
  auto result = load(R"(
endpoints:
  - {path: "", secrets: [x]}
  - {path: "/a?b", secrets: [x]}
  - {path: "/a b", secrets: [x]}
handlers: [{name: l, type: log}]
)");
  EXPECT_EQ(
      messages(result),
      at({"2: endpoints[0].path: must not be empty",
          R"(3: endpoints[1].path: "/a?b" must start with "/" and hold no spaces, "?" or "#")",
          R"(4: endpoints[2].path: "/a b" must start with "/" and hold no spaces, "?" or "#")"}));
}

}  // namespace
}  // namespace slwd::config
