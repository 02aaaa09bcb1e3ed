#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "slwd/http/admin.hpp"
#include "slwd/http/server.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAdminTimeout = std::chrono::seconds(10);
constexpr std::size_t kAdminBodyLimit = 64 * 1024;

// Admin traffic is light (probes, scrapes, operators): Beast's own parser and serializer do all
// of it, one request at a time per connection.
class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, std::shared_ptr<const AdminContext> context)
      : stream_(std::move(socket)), context_(std::move(context)) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(8 * 1024);
    parser_->body_limit(kAdminBodyLimit);
    stream_.expires_after(kAdminTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    auto& req = parser_->get();
    AdminRequest request{std::string(req.method_string()), std::string(req.target()),
                         std::string(req[bhttp::field::authorization]), std::move(req.body())};
    Response answer = handle_admin(*context_, request);
    response_ = {};
    response_.version(req.version());
    response_.result(answer.status);
    bool typed = false;
    for (auto& [name, value] : answer.headers) {
      response_.set(name, value);
      typed = typed || beast::iequals(name, "Content-Type");
    }
    if (!typed && !answer.body.empty()) response_.set(bhttp::field::content_type, "application/json");
    response_.body() = std::move(answer.body);
    response_.keep_alive(req.keep_alive());
    response_.prepare_payload();
    stream_.expires_after(kAdminTimeout);
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec || !self->response_.keep_alive()) return self->close();
                         self->read();
                       });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<const AdminContext> context_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

struct AdminServer::Impl : std::enable_shared_from_this<AdminServer::Impl> {
  Impl(net::io_context& io, std::string l, AdminContext c)
      : ioc(io), listen(std::move(l)), context(std::make_shared<const AdminContext>(std::move(c))),
        acceptor(net::make_strand(io)) {}

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            if (ec == net::error::operation_aborted) return;
                            if (!ec) std::make_shared<AdminSession>(std::move(socket), self->context)->start();
                            self->do_accept();
                          });
  }

  net::io_context& ioc;
  std::string listen;
  std::shared_ptr<const AdminContext> context;
  tcp::acceptor acceptor;
};

AdminServer::AdminServer(net::io_context& ioc, std::string listen, AdminContext context)
    : impl_(std::make_shared<Impl>(ioc, std::move(listen), std::move(context))) {}

AdminServer::~AdminServer() = default;

void AdminServer::start() {
  auto [host, port] = split_host_port(impl_->listen);
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("admin.listen: \"" + host + "\" is not an IP address");
  tcp::endpoint endpoint(address, port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + impl_->listen + ": " + ec.message());
  net::dispatch(acceptor.get_executor(), [impl = impl_] { impl->do_accept(); });
}

std::uint16_t AdminServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void AdminServer::stop() {
  net::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
  });
}

}  // namespace slwd::http
