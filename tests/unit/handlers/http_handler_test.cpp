// The `http` handler (SPEC §6) against a real local server: exact bytes and headers, the
// signature, extra headers, the outcome of every kind of answer, and batches.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <ctime>
#include <set>

#include "handler_test_support.hpp"
#include "slwd/security/signature.hpp"
#include "support/fake_http_server.hpp"

namespace slwd::handlers::test {
namespace {

using namespace std::chrono_literals;
using slwd::test::FakeHttpServer;
using slwd::test::RecordedRequest;
using slwd::test::Reply;

// Deliberately not canonical JSON: spacing, key order, escapes and a trailing newline must all
// arrive untouched.
const std::string kBody =
    "{ \"event_type\" :\"EMAIL_REPLY\",\n  \"campaign_id\": 42, \"text\":\"caf\\u00e9 "
    "\xc3\xa9\"}\n";

config::HandlerConfig http_config(const std::string& url) {
  auto c = handler_config("http", "forward");
  c.url = url;
  c.timeout = 5s;
  return c;
}

FakeHttpServer::Script answer(int status, std::string body = "",
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
  return [=](const RecordedRequest&, std::size_t) {
    Reply r;
    r.status = status;
    r.body = body;
    r.headers = headers;
    return r;
  };
}

std::string http_date(std::chrono::system_clock::time_point at) {
  std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

std::string refused_url() {
  // Bound but never listening: connections are refused. Closed at the end of the test
  // process, which is after every use.
  static const int port = [] {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    return static_cast<int>(ntohs(addr.sin_port));
  }();
  return "http://127.0.0.1:" + std::to_string(port) + "/hook";
}

TEST(HttpHandler, PostsTheRawBodyWithExactHeaders) {
  FakeHttpServer server;
  auto config = http_config(server.url("/in/smartlead?src=slwd"));
  config.secret = "s3cret-value";
  config.headers = {{"Authorization", "Bearer tok-123456"}, {"X-Env", "prod"}};
  auto handler = make(config);
  EXPECT_EQ(handler->max_batch(), 64u);

  auto outcome = deliver_one(*handler, work_item("d-1", kBody, "EMAIL_REPLY", "campaign"));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;

  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/in/smartlead?src=slwd");
  EXPECT_EQ(got.body, kBody);  // byte for byte
  EXPECT_EQ(got.header("content-type"), "application/json");
  EXPECT_EQ(got.header("x-request-id"), "d-1");
  EXPECT_EQ(got.header("x-smartlead-event"), "EMAIL_REPLY");
  EXPECT_EQ(got.header("x-webhook-level"), "campaign");
  EXPECT_EQ(got.header("x-smartlead-signature"), security::signature_header("s3cret-value", kBody));
  EXPECT_TRUE(
      security::signature_matches(got.header("x-smartlead-signature"), got.body, {"s3cret-value"}));
  EXPECT_EQ(got.header("authorization"), "Bearer tok-123456");
  EXPECT_EQ(got.header("x-env"), "prod");
  for (const char* name : {"content-type", "x-request-id", "x-smartlead-event", "x-webhook-level",
                           "x-smartlead-signature", "content-length"}) {
    EXPECT_EQ(got.header_count(name), 1u) << name;
  }
  EXPECT_FALSE(got.has_header("expect"));
}

TEST(HttpHandler, LevelAndSignatureOnlyWhenKnown) {
  FakeHttpServer server;
  auto handler = make(http_config(server.url("/")));
  auto outcome = deliver_one(*handler, work_item("d-2", kBody, "LEAD_UNSUBSCRIBED", ""));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_FALSE(got.has_header("x-webhook-level"));
  EXPECT_FALSE(got.has_header("x-smartlead-signature"));
  EXPECT_EQ(got.header("x-smartlead-event"), "LEAD_UNSUBSCRIBED");
}

TEST(HttpHandler, ExtraHeadersCannotReplaceTheProtocolOnes) {
  FakeHttpServer server;
  auto config = http_config(server.url("/"));
  config.secret = "k";
  config.headers = {{"content-type", "text/plain"},
                    {"X-Request-Id", "forged"},
                    {"X-SMARTLEAD-EVENT", "forged"},
                    {"X-Webhook-Level", "forged"},
                    {"X-Smartlead-Signature", "sha256=00"},
                    {"Content-Length", "1"},
                    {"X-Kept", "yes"}};
  auto handler = make(config);
  auto outcome = deliver_one(*handler, work_item("d-3", kBody, "EMAIL_OPEN", ""));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_EQ(got.body, kBody);
  EXPECT_EQ(got.header("content-type"), "application/json");
  EXPECT_EQ(got.header("x-request-id"), "d-3");
  EXPECT_EQ(got.header("x-smartlead-event"), "EMAIL_OPEN");
  EXPECT_FALSE(got.has_header("x-webhook-level"));  // unknown level: none, not the extra one
  EXPECT_EQ(got.header("x-smartlead-signature"), security::signature_header("k", kBody));
  EXPECT_EQ(got.header("x-kept"), "yes");
  for (const char* name : {"content-type", "x-request-id", "x-smartlead-event",
                           "x-smartlead-signature", "content-length"}) {
    EXPECT_EQ(got.header_count(name), 1u) << name;
  }
}

TEST(HttpHandler, ControlCharactersFromTheSenderCannotSplitHeaders) {
  FakeHttpServer server;
  auto handler = make(http_config(server.url("/")));
  auto outcome = deliver_one(*handler, work_item("d-4", kBody, "ODD\r\nX-Injected: 1", "a\nb"));
  EXPECT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_FALSE(got.has_header("x-injected"));
  EXPECT_EQ(got.header("x-smartlead-event"), "ODD  X-Injected: 1");
  EXPECT_EQ(got.header("x-webhook-level"), "a b");
}

TEST(HttpHandler, BadConfigIsRefusedAtStartNamingTheHandler) {
  auto no_url = http_config("");
  EXPECT_THROW(make(no_url), std::runtime_error);
  auto bad_name = http_config("http://127.0.0.1:1/");
  bad_name.headers = {{"Bad Name", "x"}};
  EXPECT_THROW(make(bad_name), std::runtime_error);
  auto bad_value = http_config("http://127.0.0.1:1/");
  bad_value.headers = {{"X-Ok", "a\r\nX-Injected: 1"}};
  try {
    make(bad_value);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"forward\""), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("X-Injected"), std::string::npos) << e.what();
  }
}

struct StatusCase {
  int status;
  OutcomeKind kind;
};

TEST(HttpHandler, OutcomeOfEveryKindOfAnswer) {
  const std::vector<StatusCase> cases = {
      {200, OutcomeKind::success},   {201, OutcomeKind::success},   {202, OutcomeKind::success},
      {204, OutcomeKind::success},   {301, OutcomeKind::permanent}, {400, OutcomeKind::permanent},
      {401, OutcomeKind::permanent}, {404, OutcomeKind::permanent}, {408, OutcomeKind::retryable},
      {409, OutcomeKind::permanent}, {410, OutcomeKind::permanent}, {422, OutcomeKind::permanent},
      {429, OutcomeKind::retryable}, {500, OutcomeKind::retryable}, {502, OutcomeKind::retryable},
      {503, OutcomeKind::retryable}, {504, OutcomeKind::retryable},
  };
  FakeHttpServer server;
  auto handler = make(http_config(server.url("/")));
  for (const auto& c : cases) {
    server.set_script(answer(c.status, "why\r\nnot"));
    auto outcome = deliver_one(*handler, work_item("d", kBody));
    EXPECT_EQ(outcome.kind, c.kind) << c.status;
    EXPECT_FALSE(outcome.retry_after_ms) << c.status;
    if (c.kind == OutcomeKind::success) {
      EXPECT_EQ(outcome.error, "") << c.status;
    } else {
      EXPECT_EQ(outcome.error.rfind("HTTP " + std::to_string(c.status) + ": why  not", 0), 0u)
          << outcome.error;
    }
  }
  EXPECT_EQ(server.count(), cases.size());
}

TEST(HttpHandler, ErrorTextIsOneShortLine) {
  FakeHttpServer server(answer(500, std::string(150, 'a') + "\n" + std::string(300, 'b')));
  auto handler = make(http_config(server.url("/")));
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "HTTP 500: " + std::string(150, 'a') + " " + std::string(49, 'b'));
  server.set_script(answer(503));
  EXPECT_EQ(deliver_one(*handler, work_item("d", kBody)).error, "HTTP 503");
}

TEST(HttpHandler, RetryAfterSecondsAndDate) {
  FakeHttpServer server(answer(429, "slow down", {{"Retry-After", "120"}}));
  auto handler = make(http_config(server.url("/")));
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.retry_after_ms, 120000);

  const auto in_a_minute = http_date(std::chrono::system_clock::now() + 60s);
  server.set_script(answer(503, "", {{"Retry-After", in_a_minute}}));
  outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  ASSERT_TRUE(outcome.retry_after_ms);
  EXPECT_GT(*outcome.retry_after_ms, 30000);  // the date has whole seconds; the test may be slow
  EXPECT_LE(*outcome.retry_after_ms, 60000);

  server.set_script(answer(503, "", {{"Retry-After", "whenever"}}));
  outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_FALSE(outcome.retry_after_ms);

  // Retry-After on a permanent answer changes nothing.
  server.set_script(answer(400, "", {{"Retry-After", "5"}}));
  outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
  EXPECT_FALSE(outcome.retry_after_ms);
}

TEST(HttpHandler, TimeoutIsRetryable) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  auto config = http_config(server.url("/"));
  config.timeout = 300ms;
  auto handler = make(config);
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "timeout after 300 ms");
}

TEST(HttpHandler, DeliveryTimeoutIsTheDefault) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  auto config = http_config(server.url("/"));
  config.timeout.reset();
  config::DeliveryConfig delivery;
  delivery.timeout = 250ms;
  auto handler = make_handler(config, delivery);
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.error, "timeout after 250 ms");
}

TEST(HttpHandler, ConnectionRefusedIsRetryable) {
  auto config = http_config(refused_url());
  config.secret = "topsecret";
  auto handler = make(config);
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_NE(outcome.error, "");
  EXPECT_EQ(outcome.error.find("topsecret"), std::string::npos);
}

TEST(HttpHandler, SecretsEchoedByTheReceiverStayOutOfTheError) {
  FakeHttpServer server([](const RecordedRequest& request, std::size_t) {
    Reply r;
    r.status = 400;
    r.body = "bad: " + request.header("x-smartlead-signature") +
             " auth=" + request.header("authorization") + " secret=topsecret";
    return r;
  });
  auto config = http_config(server.url("/"));
  config.secret = "topsecret";
  config.headers = {{"Authorization", "Bearer abcdefgh"}};
  auto handler = make(config);
  auto outcome = deliver_one(*handler, work_item("d", kBody));
  EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
  const auto digest = security::hmac_sha256_hex("topsecret", kBody);
  EXPECT_EQ(outcome.error.find(digest.substr(0, 16)), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.error.find("topsecret"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.error.find("abcdefgh"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("[redacted]"), std::string::npos) << outcome.error;
}

TEST(HttpHandler, BatchIsDeliveredWholeWithAnOutcomeEach) {
  // Every third delivery is refused by the receiver; each outcome belongs to its own item.
  FakeHttpServer server([](const RecordedRequest& request, std::size_t) {
    Reply r;
    const int n = std::stoi(request.header("x-request-id").substr(2));
    r.status = n % 3 == 0 ? 503 : 200;
    r.delay = 50ms;
    return r;
  });
  auto handler = make(http_config(server.url("/")));
  std::vector<store::WorkItem> items;
  for (int i = 0; i < 10; ++i) {
    items.push_back(work_item("d-" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}"));
  }
  auto outcomes = deliver(*handler, items);
  ASSERT_EQ(outcomes.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(outcomes[i].kind, i % 3 == 0 ? OutcomeKind::retryable : OutcomeKind::success) << i;
  }
  auto got = server.requests();
  ASSERT_EQ(got.size(), 10u);
  std::set<std::string> bodies;
  for (const auto& r : got) {
    bodies.insert(r.body);
    EXPECT_EQ("{\"n\":" + r.header("x-request-id").substr(2) + "}", r.body);
  }
  EXPECT_EQ(bodies.size(), 10u);

  // The next batch reuses the handler's connections.
  const auto connections = server.connections_accepted();
  EXPECT_LE(connections, 10u);
  deliver(*handler, items);
  EXPECT_EQ(server.connections_accepted(), connections);
}

}  // namespace
}  // namespace slwd::handlers::test
