#include "bench_http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace slwd::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// One connection: read a request, ask the policy, wait if told to, answer or drop, repeat.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const SinkPolicy& policy)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), policy_(policy) {}

  void read() {
    request_ = {};
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->decide();
                     });
  }

 private:
  void decide() {
    SinkRequest seen;
    seen.target = std::string(request_.target());
    seen.request_id = std::string(request_["X-Request-Id"]);
    seen.event_type = std::string(request_["X-Smartlead-Event"]);
    seen.signature = std::string(request_["X-Smartlead-Signature"]);
    seen.body = std::move(request_.body());
    reply_ = policy_(seen);
    if (reply_.delay.count() <= 0) return answer();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->answer();
    });
  }

  void answer() {
    if (reply_.drop) {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_.close();
      return;
    }
    response_ = {static_cast<http::status>(reply_.status), request_.version()};
    for (const auto& [name, value] : reply_.headers) response_.set(name, value);
    response_.body() = reply_.body;
    response_.keep_alive(request_.keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->read();
    });
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  const SinkPolicy& policy_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  SinkReply reply_;
};

}  // namespace

struct BenchHttpServer::Impl {
  Impl(unsigned short port, unsigned threads, SinkPolicy p)
      : policy(std::move(p)),
        ioc(static_cast<int>(threads)),
        acceptor(ioc, {net::ip::make_address("127.0.0.1"), port}) {
    accept();
    for (unsigned i = 0; i < std::max(1u, threads); ++i) workers.emplace_back([this] { ioc.run(); });
  }

  ~Impl() {
    ioc.stop();
    for (auto& t : workers) t.join();
  }

  void accept() {
    // Each connection on its own strand: the io threads serve many connections at once, but
    // never one connection from two threads.
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), policy)->read();
      accept();
    });
  }

  SinkPolicy policy;  // first: sessions still queued in `ioc` refer to it until ioc is gone
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::vector<std::thread> workers;
};

BenchHttpServer::BenchHttpServer(unsigned short port, unsigned threads, SinkPolicy policy)
    : impl_(std::make_unique<Impl>(port, threads, std::move(policy))) {}

BenchHttpServer::~BenchHttpServer() = default;

unsigned short BenchHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace slwd::bench
