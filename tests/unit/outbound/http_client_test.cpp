// HttpClient against a real local server: what is sent, what comes back, limits, failures,
// concurrency and connection reuse.
#include "slwd/outbound/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include "support/fake_http_server.hpp"

namespace slwd::outbound {
namespace {

using namespace std::chrono_literals;
using test::FakeHttpServer;
using test::RecordedRequest;
using test::Reply;

HttpRequest post(std::string url, std::string body = "{}") {
  HttpRequest r;
  r.url = std::move(url);
  r.body = std::move(body);
  r.headers = {{"Content-Type", "application/json"}};
  r.timeout = 5s;
  return r;
}

// A TCP port with nothing listening: bound (so nobody else gets it) but never listen()ed, so a
// connect is refused at once.
class RefusingPort {
 public:
  RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
  }
  ~RefusingPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int fd_;
  int port_ = 0;
};

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(HttpClient, SendsTheRequestAndReadsStatusHeadersAndBody) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    return Reply{
        201,     {{"X-Thing", "a"}, {"X-Dup", "1"}, {"X-Dup", "2"}, {"Retry-After", " 7 "}},
        "hello", 0ms,
        false,   false};
  });
  HttpClient client;
  auto request = post(server.url("/hook?x=1"), std::string("{\"a\":\"\x00\xff\"}", 11));
  request.headers.emplace_back("X-Custom", "v1");
  request.headers.emplace_back("X-Empty", "");
  auto response = client.perform(request);

  EXPECT_EQ(response.error, "");
  EXPECT_FALSE(response.timed_out);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "hello");
  EXPECT_EQ(response.headers["x-thing"], "a");
  EXPECT_EQ(response.headers["x-dup"], "2");         // the last of repeated headers
  EXPECT_EQ(response.headers["retry-after"], "7");   // trimmed
  EXPECT_EQ(response.headers.count("X-Thing"), 0u);  // names are lowercased

  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/hook?x=1");
  EXPECT_EQ(got.body, request.body);
  EXPECT_EQ(got.header("content-type"), "application/json");
  EXPECT_EQ(got.header("x-custom"), "v1");
  EXPECT_TRUE(got.has_header("x-empty"));
  EXPECT_EQ(got.header("x-empty"), "");
  EXPECT_EQ(got.header_count("content-type"), 1u);
}

TEST(HttpClient, OtherMethods) {
  FakeHttpServer server;
  HttpClient client;
  auto patch = post(server.url("/p"), "{\"k\":1}");
  patch.method = "PATCH";
  HttpRequest get;
  get.method = "GET";
  get.url = server.url("/g");
  EXPECT_EQ(client.perform(patch).status, 200);
  EXPECT_EQ(client.perform(get).status, 200);
  auto got = server.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "PATCH");
  EXPECT_EQ(got[0].body, "{\"k\":1}");
  EXPECT_EQ(got[1].method, "GET");
  EXPECT_EQ(got[1].body, "");
}

TEST(HttpClient, LargeBodyIsSentWholeWithoutExpectContinue) {
  FakeHttpServer server;
  HttpClient client;
  std::string body(2 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < body.size(); i += 997) body[i] = static_cast<char>('a' + i % 26);
  auto response = client.perform(post(server.url(), body));
  EXPECT_EQ(response.status, 200);
  ASSERT_EQ(server.count(), 1u);
  const auto got = server.requests().front();
  EXPECT_EQ(got.body, body);
  EXPECT_FALSE(got.has_header("expect"));
}

TEST(HttpClient, ResponseBodyIsCappedButTheConnectionStaysUsable) {
  const std::string big(kMaxResponseBody * 3 + 17, 'b');
  FakeHttpServer server([&](const RecordedRequest&, std::size_t index) {
    Reply r;
    r.body = index == 0 ? big : "small";
    return r;
  });
  HttpClient client;
  auto first = client.perform(post(server.url()));
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body.size(), kMaxResponseBody);
  EXPECT_EQ(first.body, big.substr(0, kMaxResponseBody));
  // The rest was read, not abandoned: the next request reuses the same connection.
  auto second = client.perform(post(server.url()));
  EXPECT_EQ(second.body, "small");
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(HttpClient, RedirectsAreNotFollowed) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    return Reply{302, {{"Location", "/elsewhere"}}, "", 0ms, false, false};
  });
  HttpClient client;
  auto response = client.perform(post(server.url("/hook")));
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.headers["location"], "/elsewhere");
  EXPECT_EQ(server.count(), 1u);
}

TEST(HttpClient, TimeoutIsReportedAsTimedOut) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.hang = true;
    return r;
  });
  HttpClient client;
  auto request = post(server.url());
  request.timeout = 300ms;
  auto response = client.perform(request);
  EXPECT_TRUE(response.timed_out);
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error, "");
  EXPECT_EQ(server.count(), 1u);
}

TEST(HttpClient, ConnectionRefusedIsATransportError) {
  RefusingPort port;
  HttpClient client;
  auto response = client.perform(post(port.url()));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.timed_out);
  EXPECT_NE(response.error, "");
}

TEST(HttpClient, OnlyHttpAndHttpsUrls) {
  HttpClient client;
  auto response = client.perform(post("file:///etc/hostname"));
  EXPECT_EQ(response.status, 0);
  EXPECT_NE(response.error, "");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClient, PerformAllRunsConcurrentlyAndKeepsOrder) {
  FakeHttpServer server([](const RecordedRequest& request, std::size_t) {
    Reply r;
    r.body = "echo:" + request.body;
    r.delay = 200ms;
    return r;
  });
  HttpClient client;
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 20; ++i) requests.push_back(post(server.url(), std::to_string(i)));
  const auto start = std::chrono::steady_clock::now();
  auto responses = client.perform_all(requests, 20);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(responses.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(responses[i].status, 200) << i;
    EXPECT_EQ(responses[i].body, "echo:" + std::to_string(i)) << i;
  }
  // One after the other would take 4 s; concurrently about 0.2 s.
  EXPECT_LT(elapsed, 2s);
}

TEST(HttpClient, PerformAllRespectsTheParallelLimit) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.delay = 300ms;
    return r;
  });
  HttpClient client;
  std::vector<HttpRequest> requests(8, post(server.url()));
  auto responses = client.perform_all(requests, 4);
  for (const auto& r : responses) EXPECT_EQ(r.status, 200);
  auto got = server.requests();
  ASSERT_EQ(got.size(), 8u);
  // The fifth request can only start once one of the first four was answered.
  EXPECT_GE(got[4].arrived - got[0].arrived, 250ms);
  EXPECT_LE(server.connections_accepted(), 4u);
}

TEST(HttpClient, PerformAllMixesOutcomesPerRequest) {
  FakeHttpServer server([](const RecordedRequest& request, std::size_t) {
    Reply r;
    if (request.target == "/slow") r.hang = true;
    if (request.target == "/bad") r.status = 503;
    return r;
  });
  RefusingPort refusing;
  HttpClient client;
  std::vector<HttpRequest> requests = {post(server.url("/ok")), post(server.url("/slow")),
                                       post(server.url("/bad")), post(refusing.url())};
  requests[1].timeout = 300ms;
  auto responses = client.perform_all(requests, 16);
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_TRUE(responses[1].timed_out);
  EXPECT_EQ(responses[2].status, 503);
  EXPECT_EQ(responses[3].status, 0);
  EXPECT_NE(responses[3].error, "");
  EXPECT_TRUE(client.perform_all({}, 4).empty());
}

TEST(HttpClient, ConnectionsAreReusedAcrossCalls) {
  FakeHttpServer server;
  HttpClient client;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.perform(post(server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 1u);

  std::vector<HttpRequest> batch(12, post(server.url()));
  for (int round = 0; round < 3; ++round) {
    for (const auto& r : client.perform_all(batch, 4)) EXPECT_EQ(r.status, 200);
  }
  EXPECT_EQ(client.perform(post(server.url())).status, 200);
  EXPECT_EQ(server.count(), 5u + 36u + 1u);
  // Never more connections than the widest batch, across batches and single calls.
  EXPECT_LE(server.connections_accepted(), 4u);
}

TEST(HttpClient, ServerClosingAfterAnswerIsHandled) {
  FakeHttpServer server([](const RecordedRequest&, std::size_t) {
    Reply r;
    r.close = true;
    return r;
  });
  HttpClient client;
  EXPECT_EQ(client.perform(post(server.url())).status, 200);
  EXPECT_EQ(client.perform(post(server.url())).status, 200);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST(HttpClient, HonoursTheProxyEnvironment) {
  // The fake server plays an HTTP proxy: libcurl sends it the absolute URL.
  FakeHttpServer proxy;
  ScopedEnv http_proxy("http_proxy", proxy.url("").c_str());
  ScopedEnv no_proxy("no_proxy", "");
  HttpClient client;
  auto response = client.perform(post("http://hooks.example.invalid/path?q=1"));
  EXPECT_EQ(response.status, 200);
  ASSERT_EQ(proxy.count(), 1u);
  EXPECT_EQ(proxy.requests().front().target, "http://hooks.example.invalid/path?q=1");

  // NO_PROXY exempts the host: this one goes straight to the target.
  FakeHttpServer direct;
  ScopedEnv exempt("no_proxy", "127.0.0.1");
  EXPECT_EQ(client.perform(post(direct.url("/d"))).status, 200);
  EXPECT_EQ(direct.count(), 1u);
  EXPECT_EQ(proxy.count(), 1u);
}

}  // namespace
}  // namespace slwd::outbound
