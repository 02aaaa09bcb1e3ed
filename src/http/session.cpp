#include "session.hpp"

#include <boost/asio/defer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <string_view>
#include <variant>

#include "head_reading.hpp"
#include "response_bytes.hpp"
#include "slwd/events/event.hpp"
#include "slwd/http/client_address.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::size_t kMaxReadChunk = 1024 * 1024;
// SPEC §4: answers come within 3 s even when the store hangs (a stuck disk, a hung Redis):
// past this the client gets 503 and SmartLead retries; a late success only makes that retry a
// duplicate, never a loss.
constexpr auto kStoreAnswerDeadline = std::chrono::milliseconds(2500);
// How long a closing connection may take to say goodbye (close_notify, the client's unread
// bytes) before it is simply closed.
constexpr auto kLingerTime = std::chrono::seconds(2);

std::string_view view(const beast::flat_buffer& b) {
  auto d = b.data();
  return {static_cast<const char*>(d.data()), d.size()};
}

std::int64_t now_ms() { return store::system_now_ms(); }

// The endpoint label of smartlead_webhook_requests_total: a configured path, else "other"
// (404s, and refusals before the path was parsed), so clients cannot grow the series.
std::string_view endpoint_label(const config::Config& config, const RequestHead& head) {
  if (head.target.empty()) return "other";
  const std::string_view path = target_path(head.target);
  for (const auto& endpoint : config.endpoints) {
    if (endpoint.path == path) return endpoint.path;
  }
  return "other";
}

}  // namespace

template <class Stream>
Session<Stream>::Session(net::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
  requires(!std::is_same_v<Stream, TlsStream>)
    : stream_(std::move(socket)), state_(std::move(state)), store_timer_(stream_.get_executor()) {
  boost::system::error_code ec;
  auto remote = tcp().socket().remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string();
}

template <class Stream>
Session<Stream>::Session(net::ip::tcp::socket socket, std::shared_ptr<ServerState> state,
                         std::shared_ptr<TlsContext> tls)
  requires(std::is_same_v<Stream, TlsStream>)
    : tls_(std::move(tls)),
      stream_(std::move(socket), tls_->asio()),
      state_(std::move(state)),
      store_timer_(stream_.get_executor()) {
  boost::system::error_code ec;
  auto remote = tcp().socket().remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string();
}

template <class Stream>
Session<Stream>::~Session() {
  state_->session_closed(this);
}

template <class Stream>
void Session<Stream>::start() {
  {
    std::lock_guard lock(state_->sessions_mutex);
    state_->sessions.emplace(this, this->weak_from_this());
  }
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    if (self->state_->draining) return self->lingering_close();
    self->receiver_ = self->state_->receiver.load();
    self->deadline_ = Clock::now() + self->limits().header_timeout;  // counted from accept
    self->started_ = Clock::now();
    self->phase_ = Phase::head;
    if constexpr (kTls) {
      self->handshake();
    } else {
      self->process();
    }
  });
}

// The handshake counts against header_timeout from accept, like the head that follows it: a
// client that opens TCP and never finishes a ClientHello is closed then (and never held a
// thread: everything here is asynchronous).
template <class Stream>
void Session<Stream>::handshake() {
  if constexpr (kTls) {
    tcp().expires_at(deadline_);
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (!ec) return self->process();
                              // Plain HTTP on the TLS port, a port scanner, a client that
                              // distrusts our certificate: nothing was asked, nothing to answer.
                              ops::log(ops::Level::debug, "TLS handshake failed",
                                       {{"client", self->peer_}, {"reason", ec.message()}});
                              beast::error_code ignored;
                              self->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both,
                                                            ignored);
                              self->tcp().close();
                            });
  }
}

template <class Stream>
void Session<Stream>::on_draining() {
  net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
    self->keep_alive_ = false;
    if (self->phase_ == Phase::idle) {
      if constexpr (kTls) {
        // The idle read ends with operation_aborted; on_read then says goodbye with close_notify.
        self->tcp().cancel();
      } else {
        beast::error_code ec;
        self->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
        self->tcp().cancel();
      }
    }
  });
}

template <class Stream>
void Session<Stream>::read_more(std::size_t hint) {
  tcp().expires_at(deadline_);
  std::size_t n = std::clamp(hint, kReadChunk, kMaxReadChunk);
  stream_.async_read_some(buffer_.prepare(n), [self = this->shared_from_this()](
                                                  beast::error_code ec, std::size_t bytes) {
    self->on_read(ec, bytes);
  });
}

template <class Stream>
void Session<Stream>::on_read(beast::error_code ec, std::size_t n) {
  if (ec) {
    if constexpr (kTls) {
      // Between requests, a SIGTERM drain (our cancel) or the client's close_notify (eof): close
      // the TLS session properly. Anything else (timeout, reset) closes the socket below.
      if (phase_ == Phase::idle && (ec == net::error::operation_aborted || ec == net::error::eof)) {
        return lingering_close();
      }
    }
    // Timeout, reset or EOF: nothing to answer on a half-read request (SPEC §3 timeouts).
    if (ec != bhttp::error::end_of_stream && ec != net::error::eof && phase_ != Phase::idle) {
      ops::log(ops::Level::debug, "connection closed while reading", {{"reason", ec.message()}});
    }
    beast::error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    tcp().close();
    return;
  }
  buffer_.commit(n);
  if (phase_ == Phase::idle) {
    // The next request has begun: its head must now arrive within header_timeout.
    phase_ = Phase::head;
    deadline_ = Clock::now() + limits().header_timeout;
    started_ = Clock::now();
  }
  process();
}

template <class Stream>
void Session<Stream>::process() {
  if (phase_ == Phase::head) {
    buffer_.consume(leading_empty_lines(view(buffer_)));
    const HeadSearch search = find_head_end(view(buffer_), scanned_);
    if (search.status == HeadSearch::Status::too_large) return send(responses::framing_error(431));
    if (search.status == HeadSearch::Status::need_more) {
      scanned_ = search.scanned;
      return read_more(kReadChunk);
    }
    on_head(search.length);
    if (phase_ != Phase::body) return;
  }
  if (phase_ == Phase::body) {
    std::size_t message_len = 0;
    if (!body_complete(message_len)) return;
    on_message(message_len);
  }
}

template <class Stream>
void Session<Stream>::on_head(std::size_t head_len) {
  started_ = Clock::now();
  head_len_ = head_len;
  auto head_bytes = view(buffer_).substr(0, head_len);
  auto reading = read_head(head_bytes);
  if (!reading.head) {
    if (reading.framing.verdict != FramingVerdict::ok) {
      ops::log(ops::Level::debug, "framing refused", {{"reason", reading.framing.reason}});
    }
    return send(responses::framing_error(reading.refusal));
  }
  framing_ = reading.framing;
  head_ = std::move(*reading.head);
  keep_alive_ = head_.keep_alive;

  if (auto refusal = receiver_->check_head(head_)) {
    if (refusal->status == 413) return send(std::move(*refusal));
    // 404/405: answer after reading the body so the connection can stay open (SPEC §4),
    // unless the body is larger than we would ever read.
    if (head_.content_length && *head_.content_length > limits().max_body) {
      refusal->close = true;
      return send(std::move(*refusal));
    }
    early_ = std::move(*refusal);
  }
  if (head_.chunked) chunked_.emplace(limits().max_body);
  phase_ = Phase::body;
  deadline_ = Clock::now() + limits().body_timeout;
}

template <class Stream>
bool Session<Stream>::body_complete(std::size_t& message_len) {
  auto data = view(buffer_);
  if (!head_.chunked) {
    std::size_t length = head_.content_length.value_or(0);
    std::size_t need = head_len_ + length;
    if (data.size() >= need) {
      if (!early_) body_.assign(data.substr(head_len_, length));
      message_len = need;
      return true;
    }
    read_more(need - data.size());
    return false;
  }
  std::size_t consumed = 0;
  auto status = chunked_->feed(data.substr(head_len_ + chunked_pos_), consumed, body_);
  chunked_pos_ += consumed;
  switch (status) {
    case ChunkedDecoder::Status::need_more:
      read_more(kReadChunk);
      return false;
    case ChunkedDecoder::Status::done:
      message_len = head_len_ + chunked_pos_;
      return true;
    case ChunkedDecoder::Status::bad_request:
      send(responses::framing_error(400));
      return false;
    case ChunkedDecoder::Status::too_large:
      if (early_) {
        early_->close = true;
        send(std::move(*early_));
      } else {
        send(responses::payload_too_large());
      }
      return false;
  }
  return false;
}

template <class Stream>
void Session<Stream>::on_message(std::size_t message_len) {
  buffer_.consume(message_len);
  phase_ = Phase::deciding;
  if (early_) return send(std::move(*early_));

  auto decision = receiver_->decide(head_, std::move(body_), now_ms());
  if (auto* response = std::get_if<Response>(&decision)) return send(std::move(*response));

  if (auto* accept = std::get_if<Accept>(&decision)) {
    delivery_id_ = accept->delivery.delivery_id;
    event_type_ = accept->delivery.event_type;
    auto delivery = std::make_shared<store::Delivery>(std::move(accept->delivery));
    ops::IngestMetrics* metrics = state_->metrics.get();
    // A static name (or "unknown"): the store thread's callback may hold the view.
    std::string_view type = events::canonical_event_type(delivery->event_type).value_or("unknown");
    return await_store([this, delivery, metrics, type](std::function<void(Response)> answer) {
      state_->store.record(std::move(*delivery), [answer, metrics, type](store::RecordResult result) {
        // Counted here, not at send(): an event recorded after the 503 deadline is recorded.
        switch (result) {
          case store::RecordResult::recorded:
            if (metrics) metrics->recorded(type);
            return answer(responses::received());
          case store::RecordResult::duplicate:
            if (metrics) metrics->duplicate();
            return answer(responses::already_processed());
          case store::RecordResult::unavailable: return answer(responses::unavailable());
        }
      });
    });
  }
  auto& quarantine = std::get<Quarantine>(decision);
  delivery_id_ = quarantine.item.delivery_id;
  ops::log(ops::Level::warn, "payload quarantined",
           {{"delivery_id", quarantine.item.delivery_id}, {"reason", quarantine.item.reason}});
  auto item = std::make_shared<store::QuarantineItem>(std::move(quarantine.item));
  auto refusal = std::make_shared<Response>(std::move(quarantine.response));
  ops::IngestMetrics* metrics = state_->metrics.get();
  await_store([this, item, refusal, metrics](std::function<void(Response)> answer) {
    state_->store.quarantine(std::move(*item), [answer, refusal, metrics](bool stored) {
      if (stored && metrics) metrics->quarantined();
      // Nothing authentic is dropped: if it could not be kept, ask SmartLead to retry.
      answer(stored ? *refusal : responses::unavailable());
    });
  });
}

template <class Stream>
void Session<Stream>::await_store(std::function<void(std::function<void(Response)>)> start) {
  const auto seq = ++request_seq_;
  auto self = this->shared_from_this();
  // Runs on the session strand; the first of (store answer, deadline) wins.
  auto finish = [self, seq](Response response) {
    if (self->request_seq_ != seq || self->phase_ != Phase::deciding) return;
    self->store_timer_.cancel();
    self->send(std::move(response));
  };
  store_timer_.expires_after(kStoreAnswerDeadline);
  store_timer_.async_wait([finish](boost::system::error_code ec) {
    if (!ec) finish(responses::unavailable());
  });
  start([self, finish](Response response) {
    // Called on a store thread or (Redis) on an io thread: hop onto the session's strand. defer,
    // not post: on an io thread the answer then runs on this thread once the current handler
    // (the store's, answering a whole batch) returns, instead of waking another io thread per
    // answer; from a store thread it is a post.
    net::defer(self->stream_.get_executor(), [finish, response = std::move(response)]() mutable {
      finish(std::move(response));
    });
  });
}

// One line per answer (never the body): what an operator greps for when SmartLead says a
// delivery failed. Client = the peer, or the X-Forwarded-For hop behind trusted proxies.
template <class Stream>
void Session<Stream>::log_access(unsigned status) {
  if (!ops::log_enabled(ops::Level::info)) return;
  auto ms = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
  char latency[32];
  std::snprintf(latency, sizeof latency, "%.3f", ms);
  std::string client = client_address(peer_, head_.forwarded_for, receiver_->trusted_proxies());
  ops::log(ops::Level::info, "request",
           {{"client", client},
            {"method", head_.method},
            {"path", target_path(head_.target)},
            {"status", std::to_string(status)},
            {"delivery_id", delivery_id_},
            {"event_type", event_type_},
            {"latency_ms", latency}});
}

template <class Stream>
void Session<Stream>::send(Response response) {
  if (auto* metrics = state_->metrics.get()) {
    metrics->answered(endpoint_label(receiver_->config(), head_), response.status,
                      Clock::now() - started_);
  }
  log_access(response.status);
  phase_ = Phase::writing;
  if (response.close || state_->draining) keep_alive_ = false;
  response_ = render_response(response, head_.version, keep_alive_);
  tcp().expires_after(limits().body_timeout);
  net::async_write(stream_, net::buffer(response_),
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_write(ec);
                   });
}

template <class Stream>
void Session<Stream>::on_write(beast::error_code ec) {
  if (ec) {
    tcp().close();
    return;
  }
  if (!keep_alive_) return lingering_close();
  next_request();
}

template <class Stream>
void Session<Stream>::next_request() {
  receiver_ = state_->receiver.load();
  delivery_id_.clear();
  event_type_.clear();
  scanned_ = 0;
  head_len_ = 0;
  head_ = {};
  early_.reset();
  chunked_.reset();
  chunked_pos_ = 0;
  body_.clear();
  if (buffer_.size() > 0) {  // pipelined: the next head is already (partly) here
    phase_ = Phase::head;
    deadline_ = Clock::now() + limits().header_timeout;
    started_ = Clock::now();
    return process();
  }
  phase_ = Phase::idle;
  deadline_ = Clock::now() + limits().idle_timeout;
  read_more(kReadChunk);
}

// Close without losing our answer: half-close, then read and drop what the client still sends
// for a bounded time, so the kernel does not reset the connection before the client read it.
// On TLS, close_notify goes first (and the client's is awaited) within the same bound.
template <class Stream>
void Session<Stream>::lingering_close() {
  phase_ = Phase::closing;
  tcp().expires_after(kLingerTime);
  if constexpr (kTls) {
    if (SSL_is_init_finished(stream_.native_handle())) {
      return stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->linger(); });
    }
  }
  linger();
}

// After a timeout the stream has closed the socket already: shutdown fails and we close.
template <class Stream>
void Session<Stream>::linger() {
  beast::error_code ec;
  tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) return tcp().close();
  drain();
}

// Below TLS on purpose: whatever the client still sends is dropped unread.
template <class Stream>
void Session<Stream>::drain() {
  buffer_.clear();
  tcp().async_read_some(buffer_.prepare(kReadChunk),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                          if (ec) return self->tcp().close();
                          self->drain();
                        });
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace slwd::http
