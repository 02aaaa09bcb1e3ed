#pragma once
// An in-process HTTP/1.1 server on 127.0.0.1 (a real socket on an ephemeral port, its own io
// thread) for tests that need something on the other end of an outbound request: it records
// every request and answers from a script. Used to fake webhook targets, Slack, HubSpot, ...
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slwd::test {

struct RecordedRequest {
  std::string method;
  std::string target;                          // path and query, as sent
  std::map<std::string, std::string> headers;  // names lowercased; the last of repeats wins
  std::vector<std::pair<std::string, std::string>> header_list;  // as sent, in order
  std::string body;
  std::chrono::steady_clock::time_point arrived;
  std::int64_t arrived_ms = 0;  // system clock, ms since the epoch
  std::size_t connection = 0;   // 1-based number of the connection it came on

  // The header's value, "" when absent.
  std::string header(std::string_view lowercase_name) const;
  bool has_header(std::string_view lowercase_name) const;
  // How many times the header was sent (any case).
  std::size_t header_count(std::string_view lowercase_name) const;
};

struct Reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool hang = false;                   // never answer; the connection closes at shutdown
  bool close = false;                  // close the connection after this answer
};

class FakeHttpServer {
 public:
  // index = 0-based position of the request among all the server received.
  using Script = std::function<Reply(const RecordedRequest& request, std::size_t index)>;

  FakeHttpServer();  // answers 200 with an empty body until a script is set
  explicit FakeHttpServer(Script script);
  ~FakeHttpServer();  // stops the io thread and closes every connection, hanging ones included
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // Applies to requests arriving from now on. The script runs on the server's io thread.
  void set_script(Script script);

  std::uint16_t port() const;
  std::string url(std::string_view path = "/") const;  // "http://127.0.0.1:PORT" + path

  std::vector<RecordedRequest> requests() const;
  std::size_t count() const;
  // True once at least n requests arrived; false when `timeout` passed first.
  bool wait_for_count(std::size_t n, std::chrono::milliseconds timeout) const;
  std::size_t connections_accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slwd::test
