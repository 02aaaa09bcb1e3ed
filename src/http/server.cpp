#include "slwd/http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>
#include <vector>

#include "server_state.hpp"
#include "session.hpp"
#include "slwd/events/event.hpp"
#include "slwd/http/tls.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::pair<std::string, std::uint16_t> split_host_port(const std::string& listen) {
  std::string host;
  std::string port;
  if (!listen.empty() && listen.front() == '[') {
    auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      throw std::runtime_error("bad listen address \"" + listen + "\"");
    }
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("bad listen address \"" + listen + "\"");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  try {
    std::size_t used = 0;
    int p = std::stoi(port, &used);
    if (used != port.size() || p < 0 || p > 65535) throw std::out_of_range("port");
    return {host, static_cast<std::uint16_t>(p)};
  } catch (const std::exception&) {
    throw std::runtime_error("bad port in listen address \"" + listen + "\"");
  }
}

void ServerState::do_accept() {
  if (draining || !acceptor.is_open()) return;
  auto limit = receiver.load()->config().server.max_connections;
  if (connections.load() >= limit) {
    accept_paused = true;  // resumed by session_closed
    return;
  }
  net::io_context& session_io = *session_contexts[next_session_context];
  next_session_context = (next_session_context + 1) % session_contexts.size();
  acceptor.async_accept(net::make_strand(session_io), [self = shared_self.lock()](
                                                      boost::system::error_code ec,
                                                      tcp::socket socket) {
    if (ec) {
      if (ec != net::error::operation_aborted) self->retry_accept_later(ec);
      return;
    }
    self->accept_backoff = std::chrono::milliseconds(0);
    socket.set_option(tcp::no_delay(true), ec);
    ++self->connections;
    if (self->tls_enabled) {
      std::make_shared<Session<TlsStream>>(std::move(socket), self, self->tls.load())->start();
    } else {
      std::make_shared<Session<PlainStream>>(std::move(socket), self)->start();
    }
    self->do_accept();
  });
}

void ServerState::retry_accept_later(const boost::system::error_code& ec) {
  // Logged once per run of failures, then retried after 5 ms doubling to 1 s (as Go's net/http).
  if (accept_backoff.count() == 0) {
    ops::log(ops::Level::warn, "accept failed, backing off", {{"error", ec.message()}});
  }
  accept_backoff = std::clamp(accept_backoff * 2, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
  accept_retry.expires_after(accept_backoff);
  accept_retry.async_wait([self = shared_self.lock()](boost::system::error_code wait_ec) {
    if (!wait_ec) self->do_accept();
  });
}

void ServerState::session_closed(SessionBase* s) {
  std::function<void()> drained;
  {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(s);
    --connections;
    if (draining && sessions.empty() && on_drained) drained = std::exchange(on_drained, nullptr);
  }
  if (drained) net::post(ioc, std::move(drained));
  net::post(acceptor.get_executor(), [self = shared_self.lock()] {
    if (self && self->accept_paused) {
      self->accept_paused = false;
      self->do_accept();
    }
  });
}

PublicServer::PublicServer(net::io_context& ioc, std::shared_ptr<const Receiver> receiver,
                           store::Store& store, ops::Metrics* metrics)
    : PublicServer(ioc, {&ioc}, std::move(receiver), store, metrics) {}

PublicServer::PublicServer(net::io_context& ioc, std::vector<net::io_context*> session_contexts,
                           std::shared_ptr<const Receiver> receiver, store::Store& store,
                           ops::Metrics* metrics) {
  if (session_contexts.empty()) session_contexts.push_back(&ioc);
  state_ = std::make_shared<ServerState>(ioc, std::move(session_contexts), std::move(receiver),
                                         store);
  state_->shared_self = state_;
  if (metrics) state_->metrics = std::make_unique<ops::IngestMetrics>(*metrics, events::known_event_types());
}

PublicServer::~PublicServer() = default;

void PublicServer::start() {
  const config::Config& config = state_->receiver.load()->config();
  auto tls = load_tls(config);
  if (tls.error) throw std::runtime_error(tls.error->to_string());
  if (tls.context) {
    state_->tls_enabled = true;
    state_->tls.store(std::move(tls.context));
    log_certificate("serving TLS", tls.certificate);
  }
  const auto& listen = config.server.listen;
  auto [host, port] = split_host_port(listen);
  tcp::resolver resolver(state_->ioc);
  boost::system::error_code ec;
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) throw std::runtime_error("cannot resolve " + listen + ": " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + listen + ": " + ec.message());
  net::dispatch(acceptor.get_executor(), [s = state_] { s->do_accept(); });
}

std::uint16_t PublicServer::port() const { return state_->acceptor.local_endpoint().port(); }

void PublicServer::swap_receiver(std::shared_ptr<const Receiver> receiver) {
  state_->receiver.store(std::move(receiver));
}

bool PublicServer::swap_certificate(std::shared_ptr<TlsContext> tls) {
  if (!state_->tls_enabled || !tls) return false;
  state_->tls.store(std::move(tls));
  return true;
}

bool PublicServer::serves_tls() const { return state_->tls_enabled; }

std::size_t PublicServer::connections() const { return state_->connections.load(); }

void PublicServer::begin_shutdown(std::function<void()> on_drained) {
  std::vector<std::shared_ptr<SessionBase>> open;
  bool none_left = false;
  {
    std::lock_guard lock(state_->sessions_mutex);
    state_->draining = true;
    for (auto& [_, weak] : state_->sessions) {
      if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    none_left = state_->sessions.empty();
    if (!none_left) state_->on_drained = std::move(on_drained);
  }
  net::dispatch(state_->acceptor.get_executor(), [s = state_] {
    boost::system::error_code ec;
    s->accept_retry.cancel();
    s->acceptor.close(ec);
  });
  for (auto& s : open) s->on_draining();
  if (none_left && on_drained) net::post(state_->ioc, std::move(on_drained));
}

}  // namespace slwd::http
