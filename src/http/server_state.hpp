#pragma once
// State shared by the listener and its sessions. Private to the http part.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "slwd/http/receiver.hpp"
#include "slwd/ops/metrics_ingest.hpp"
#include "slwd/store/store.hpp"

namespace slwd::http {

class TlsContext;

// What the listener keeps of a connection: enough to close it on shutdown. Called once per
// connection at most, never per read or write.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void on_draining() = 0;
};

struct ServerState {
  ServerState(boost::asio::io_context& io, std::vector<boost::asio::io_context*> session_ios,
              std::shared_ptr<const Receiver> r, store::Store& s)
      : ioc(io),
        session_contexts(std::move(session_ios)),
        receiver(std::move(r)),
        store(s),
        acceptor(boost::asio::make_strand(io)) {}

  boost::asio::io_context& ioc;  // the acceptor's, and where drain notices run
  // Where accepted connections live, in turn (see PublicServer); never empty.
  std::vector<boost::asio::io_context*> session_contexts;
  std::size_t next_session_context = 0;  // guarded by the acceptor's strand
  std::atomic<std::shared_ptr<const Receiver>> receiver;
  store::Store& store;
  std::unique_ptr<ops::IngestMetrics> metrics;  // null: nothing is counted
  boost::asio::ip::tcp::acceptor acceptor;  // runs on its own strand
  // After a failed accept (EMFILE, ENFILE, ENOBUFS) the connection stays queued and accept fails
  // again at once: retrying straight away spins a core and floods the log, so back off.
  boost::asio::steady_timer accept_retry{acceptor.get_executor()};
  std::chrono::milliseconds accept_backoff{0};  // guarded by the acceptor's strand

  std::atomic<std::size_t> connections{0};
  std::atomic<bool> draining{false};
  bool accept_paused = false;  // guarded by the acceptor's strand
  // Set once by start(): whether the port speaks TLS (server.tls). A reload may change the
  // certificate, never the protocol: that needs a restart, like the listen address.
  bool tls_enabled = false;
  std::atomic<std::shared_ptr<TlsContext>> tls;  // what new TLS connections are served with

  std::mutex sessions_mutex;  // guards sessions and on_drained
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  std::function<void()> on_drained;
  std::weak_ptr<ServerState> shared_self;  // sessions hold the state alive

  void do_accept();                 // on the acceptor strand
  void retry_accept_later(const boost::system::error_code& ec);  // on the acceptor strand
  void session_closed(SessionBase* s);  // from a session's destructor
};

}  // namespace slwd::http
