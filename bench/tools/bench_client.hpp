#pragma once
// The sending side of the benchmark and reliability tools: a keep-alive HTTP/1.1 connection for
// coroutines that posts signed SmartLead-style events with one overall deadline per request.
// Any failure (refused, reset, timeout) closes the connection; the next post reconnects, as a
// real sender would after a daemon restart.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <optional>
#include <string>

namespace slwd::bench {

// http://HOST:PORT/PATH with a numeric IPv4 host (loopback tools only).
struct HttpTarget {
  std::string host;
  unsigned short port = 0;
  std::string path;
};
HttpTarget parse_http_url(const std::string& url);  // throws std::invalid_argument

struct PostResult {
  int status = 0;      // 0: no answer (connection error or timeout)
  std::string error;   // why there was no answer
  bool timed_out = false;
};

class PostConnection {
 public:
  PostConnection(boost::asio::any_io_executor executor, HttpTarget target);
  // POSTs `body` with X-Smartlead-Signature `signature` and X-Request-Id `request_id`; the whole
  // exchange (connect included) must finish within `timeout`.
  boost::asio::awaitable<PostResult> post(const std::string& body, const std::string& signature,
                                          const std::string& request_id,
                                          std::chrono::milliseconds timeout);
  const HttpTarget& target() const { return target_; }

 private:
  void reset();

  boost::asio::any_io_executor executor_;
  HttpTarget target_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace slwd::bench
