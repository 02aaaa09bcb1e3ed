#include "support/fake_http_server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace slwd::test {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string RecordedRequest::header(std::string_view lowercase_name) const {
  auto it = headers.find(std::string(lowercase_name));
  return it == headers.end() ? std::string() : it->second;
}

bool RecordedRequest::has_header(std::string_view lowercase_name) const {
  return headers.count(std::string(lowercase_name)) != 0;
}

std::size_t RecordedRequest::header_count(std::string_view lowercase_name) const {
  return static_cast<std::size_t>(
      std::count_if(header_list.begin(), header_list.end(),
                    [&](const auto& h) { return lowercase(h.first) == lowercase_name; }));
}

struct FakeHttpServer::Impl {
  // Destroyed last: its destructor destroys the coroutines still waiting (hanging answers,
  // idle keep-alive reads) and with them their sockets.
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::uint16_t port = 0;
  std::thread thread;
  std::atomic<std::size_t> connections{0};

  mutable std::mutex mutex;
  mutable std::condition_variable arrived;
  std::vector<RecordedRequest> requests;
  Script script;

  // Stores the request and returns its index with the script to answer it.
  std::pair<std::size_t, Script> record(RecordedRequest request) {
    std::lock_guard lock(mutex);
    requests.push_back(std::move(request));
    arrived.notify_all();
    return {requests.size() - 1, script};
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) continue;
      const std::size_t number = ++connections;
      asio::co_spawn(ioc, session(std::move(socket), number), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket, std::size_t connection) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [read_ec, read_n] = co_await http::async_read(socket, buffer, parser, kTuple);
      if (read_ec) co_return;  // peer closed, bad request or shutdown
      auto& req = parser.get();

      RecordedRequest rec;
      rec.method = std::string(req.method_string());
      rec.target = std::string(req.target());
      for (const auto& field : req) {
        rec.header_list.emplace_back(std::string(field.name_string()), std::string(field.value()));
        rec.headers[lowercase(field.name_string())] = std::string(field.value());
      }
      rec.body = req.body();
      rec.arrived = std::chrono::steady_clock::now();
      rec.arrived_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      rec.connection = connection;
      auto [index, answer] = record(rec);
      Reply reply = answer ? answer(rec, index) : Reply{};

      asio::steady_timer timer(ioc);
      if (reply.hang) {
        // Ends only when the io_context is destroyed (or after a day, whichever is first).
        timer.expires_after(std::chrono::hours(24));
        co_await timer.async_wait(kTuple);
        co_return;
      }
      if (reply.delay.count() > 0) {
        timer.expires_after(reply.delay);
        co_await timer.async_wait(kTuple);
      }

      http::response<http::string_body> res;
      res.version(req.version());
      res.result(static_cast<unsigned>(reply.status));
      for (const auto& [name, value] : reply.headers) res.insert(name, value);
      // These statuses have no body (Beast refuses to frame one).
      const bool bodiless = reply.status < 200 || reply.status == 204 || reply.status == 304;
      if (!bodiless) res.body() = std::move(reply.body);
      res.keep_alive(req.keep_alive() && !reply.close);
      res.prepare_payload();
      auto [write_ec, write_n] = co_await http::async_write(socket, res, kTuple);
      if (write_ec || !res.keep_alive()) {
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }
};

FakeHttpServer::FakeHttpServer() : FakeHttpServer(Script{}) {}

FakeHttpServer::FakeHttpServer(Script script) : impl_(std::make_unique<Impl>()) {
  impl_->script = std::move(script);
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

FakeHttpServer::~FakeHttpServer() {
  impl_->ioc.stop();
  impl_->thread.join();
  // ~Impl: the acceptor closes, then ~io_context destroys every pending coroutine, which
  // closes its connection.
}

void FakeHttpServer::set_script(Script script) {
  std::lock_guard lock(impl_->mutex);
  impl_->script = std::move(script);
}

std::uint16_t FakeHttpServer::port() const {
  return impl_->port;
}

std::string FakeHttpServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + std::string(path);
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t FakeHttpServer::count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

bool FakeHttpServer::wait_for_count(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->arrived.wait_for(lock, timeout, [&] { return impl_->requests.size() >= n; });
}

std::size_t FakeHttpServer::connections_accepted() const {
  return impl_->connections.load();
}

}  // namespace slwd::test
