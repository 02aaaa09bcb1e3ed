#include "bench_client.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace slwd::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

HttpTarget parse_http_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) throw std::invalid_argument("not an http:// URL: " + url);
  const auto rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const auto hostport = rest.substr(0, slash);
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("URL without a port: " + url);
  HttpTarget target;
  target.host = hostport.substr(0, colon);
  target.port = static_cast<unsigned short>(std::stoi(hostport.substr(colon + 1)));
  target.path = slash == std::string::npos ? "/" : rest.substr(slash);
  return target;
}

PostConnection::PostConnection(net::any_io_executor executor, HttpTarget target)
    : executor_(std::move(executor)),
      target_(std::move(target)),
      endpoint_(net::ip::make_address(target_.host), target_.port) {}

void PostConnection::reset() {
  if (stream_) {
    beast::error_code ignored;
    stream_->socket().close(ignored);
  }
  stream_.reset();
  buffer_.clear();
}

net::awaitable<PostResult> PostConnection::post(const std::string& body,
                                                const std::string& signature,
                                                const std::string& request_id,
                                                std::chrono::milliseconds timeout) {
  PostResult result;
  http::request<http::string_body> request{http::verb::post, target_.path, 11};
  request.set(http::field::host, target_.host);
  request.set(http::field::content_type, "application/json");
  request.set("X-Smartlead-Signature", signature);
  request.set("X-Request-Id", request_id);
  request.body() = body;
  request.prepare_payload();
  try {
    const bool fresh = !stream_;
    if (fresh) stream_.emplace(executor_);
    // One deadline for the whole exchange: tcp_stream's timer covers every operation until reset.
    stream_->expires_after(timeout);
    if (fresh) co_await stream_->async_connect(endpoint_, net::use_awaitable);
    co_await http::async_write(*stream_, request, net::use_awaitable);
    http::response<http::string_body> response;
    co_await http::async_read(*stream_, buffer_, response, net::use_awaitable);
    stream_->expires_never();
    result.status = response.result_int();
    if (!response.keep_alive()) reset();
  } catch (const boost::system::system_error& e) {
    result.status = 0;
    result.timed_out = e.code() == beast::error::timeout;
    result.error = e.code().message();
    reset();
  }
  co_return result;
}

}  // namespace slwd::bench
