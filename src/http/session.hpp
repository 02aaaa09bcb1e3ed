#pragma once
// One connection of the public port: read a head (framing checks first), decide, read the
// body within its limits, decide again, record, answer; keep-alive and pipelining by looping on
// what is buffered. Every read and write has a deadline (header/body/idle timeouts).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server_state.hpp"
#include "slwd/http/framing.hpp"
#include "slwd/http/request.hpp"

namespace slwd::http {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);
  ~Session();
  void start();
  // Shutdown began: close now when idle, else after the current answer.
  void on_draining();

 private:
  enum class Phase { idle, head, body, deciding, writing, closing };
  using Clock = std::chrono::steady_clock;

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
  void drain();
  void log_access(unsigned status);
  const config::ServerConfig& limits() const { return receiver_->config().server; }

  boost::beast::tcp_stream stream_;
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
  boost::beast::http::response<boost::beast::http::string_body> response_;
  boost::asio::steady_timer store_timer_;
  std::string peer_;  // the socket's remote address, for the access log
  std::string delivery_id_;  // of the current request, once known (access log)
  std::string event_type_;
  std::uint64_t request_seq_ = 0;  // tells a late store answer from the current request's
  Clock::time_point started_{};  // head complete (or first byte): request duration's start
};

}  // namespace slwd::http
