#pragma once
// One connection of the public port: read a head (framing checks first), decide, read the
// body within its limits, decide again, record, answer; keep-alive and pipelining by looping on
// what is buffered. Every read and write has a deadline (header/body/idle timeouts).
//
// The same code serves plain HTTP and HTTPS: Session is a template over its stream, so the
// plain instantiation is exactly the plain code (no virtual call or indirection per read or
// write); the TLS one adds the handshake (within header_timeout) and close_notify on close.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "server_state.hpp"
#include "slwd/http/framing.hpp"
#include "slwd/http/request.hpp"
#include "tls_context.hpp"

namespace slwd::http {

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    requires(!std::is_same_v<Stream, TlsStream>);  // spelled out: clang-14 rejects kTls here
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state,
          std::shared_ptr<TlsContext> tls)
    requires(std::is_same_v<Stream, TlsStream>);
  ~Session() override;
  void start();
  // Shutdown began: close now when idle, else after the current answer.
  void on_draining() override;

 private:
  enum class Phase { idle, head, body, deciding, writing, closing };
  using Clock = std::chrono::steady_clock;
  struct NoTlsContext {};

  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }
  void handshake();
  void read_more(std::size_t hint);
  void on_read(boost::beast::error_code ec, std::size_t n);
  void process();
  void on_head(std::size_t head_len);
  bool body_complete(std::size_t& message_len);
  void on_message(std::size_t message_len);
  // Waits for the store's answer, but never longer than kStoreAnswerDeadline (then 503).
  void await_store(std::function<void(std::function<void(Response)>)> start);
  void send(Response response);
  void on_write(boost::beast::error_code ec);
  void next_request();
  void lingering_close();
  void linger();
  void drain();
  void log_access(unsigned status);
  const config::ServerConfig& limits() const { return receiver_->config().server; }

  // Declared before stream_, which is built from it: the certificate this connection was
  // accepted with stays alive while it lasts, whatever SIGHUP installs meanwhile.
  [[no_unique_address]] std::conditional_t<kTls, std::shared_ptr<TlsContext>, NoTlsContext> tls_;
  Stream stream_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<const Receiver> receiver_;  // the config snapshot of the current request
  boost::beast::flat_buffer buffer_;
  Phase phase_ = Phase::head;
  Clock::time_point deadline_;
  std::size_t scanned_ = 0;  // head bytes already searched for the blank line
  std::size_t head_len_ = 0;
  RequestHead head_;
  Framing framing_;
  std::optional<Response> early_;  // 404/405 decided on the head, sent once the body is read
  std::optional<ChunkedDecoder> chunked_;
  std::size_t chunked_pos_ = 0;  // body bytes (after the head) the decoder has consumed
  std::string body_;
  bool keep_alive_ = true;
  std::string response_;  // the bytes of the answer being written (response_bytes.hpp)
  boost::asio::steady_timer store_timer_;
  std::string peer_;  // the socket's remote address, for the access log
  std::string delivery_id_;  // of the current request, once known (access log)
  std::string event_type_;
  std::uint64_t request_seq_ = 0;  // tells a late store answer from the current request's
  Clock::time_point started_{};  // head complete (or first byte): request duration's start
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace slwd::http
