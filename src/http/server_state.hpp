#pragma once
// State shared by the listener and its sessions. Private to the http part.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "slwd/http/receiver.hpp"
#include "slwd/ops/metrics_ingest.hpp"
#include "slwd/store/store.hpp"

namespace slwd::http {

class Session;

struct ServerState {
  ServerState(boost::asio::io_context& io, std::shared_ptr<const Receiver> r, store::Store& s)
      : ioc(io), receiver(std::move(r)), store(s), acceptor(boost::asio::make_strand(io)) {}

  boost::asio::io_context& ioc;
  std::atomic<std::shared_ptr<const Receiver>> receiver;
  store::Store& store;
  std::unique_ptr<ops::IngestMetrics> metrics;  // null: nothing is counted
  boost::asio::ip::tcp::acceptor acceptor;  // runs on its own strand

  std::atomic<std::size_t> connections{0};
  std::atomic<bool> draining{false};
  bool accept_paused = false;  // guarded by the acceptor's strand

  std::mutex sessions_mutex;  // guards sessions and on_drained
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  std::function<void()> on_drained;
  std::weak_ptr<ServerState> shared_self;  // sessions hold the state alive

  void do_accept();                 // on the acceptor strand
  void session_closed(Session* s);  // from a session's destructor
};

}  // namespace slwd::http
