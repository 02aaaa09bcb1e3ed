#pragma once
// The public webhook listener (SPEC §4): accepts connections up to max_connections, runs one
// Session per connection, and drains gracefully (SPEC §8). Asio stays out of this header.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace slwd::store {
class Store;
}
namespace slwd::ops {
class Metrics;
}

namespace slwd::http {

class Receiver;
class TlsContext;
struct ServerState;

class PublicServer {
 public:
  // `metrics`: where the SPEC §7 ingest series are registered and counted (must outlive the
  // server); null counts nothing.
  PublicServer(boost::asio::io_context& ioc, std::shared_ptr<const Receiver> receiver,
               store::Store& store, ops::Metrics* metrics = nullptr);
  // The listener runs on `ioc`; accepted connections are spread over `session_contexts` in
  // turn, each connection staying on one (the daemon runs one io_context per io thread).
  PublicServer(boost::asio::io_context& ioc, std::vector<boost::asio::io_context*> session_contexts,
               std::shared_ptr<const Receiver> receiver, store::Store& store,
               ops::Metrics* metrics = nullptr);
  ~PublicServer();
  PublicServer(const PublicServer&) = delete;
  PublicServer& operator=(const PublicServer&) = delete;

  // Binds server.listen and starts accepting, over TLS when server.tls is set. Throws
  // std::runtime_error naming the address, or "FILE:LINE: message" for unusable TLS files.
  void start();
  std::uint16_t port() const;
  // Requests that start after this use `receiver` (SIGHUP reload); those in flight keep theirs.
  void swap_receiver(std::shared_ptr<const Receiver> receiver);
  // SIGHUP with server.tls: connections accepted after this present `tls` (from load_tls());
  // open ones keep the certificate they started with. Returns false, changing nothing, when
  // the port was started without TLS: switching protocols needs a restart, like the address.
  bool swap_certificate(std::shared_ptr<TlsContext> tls);
  bool serves_tls() const;
  // Closes the listener and idle keep-alive connections; requests in flight finish, then their
  // connections close. `on_drained` runs (on an io thread) once no connection is left.
  void begin_shutdown(std::function<void()> on_drained);
  // Connections open now (for metrics and tests).
  std::size_t connections() const;

 private:
  std::shared_ptr<ServerState> state_;
};

// "host:port" or "[v6]:port" -> (host, port). Throws std::runtime_error on a bad address.
std::pair<std::string, std::uint16_t> split_host_port(const std::string& listen);

}  // namespace slwd::http
