// The admin listener (SPEC §7). Requests that touch the store run on a worker thread of their
// own, never on an io thread: they block on SQLite or Redis (a replay of many dead letters takes
// a while), and the Redis client runs on the io threads' own io_context, so with one io thread
// an admin request waiting for Redis there would wait for itself.
#include <pthread.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "slwd/http/admin.hpp"
#include "slwd/http/receiver.hpp"  // target_path
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
// Admin requests waiting for the worker (one runs meanwhile): more than probes, scrapes and an
// operator or two ever queue; beyond it a request gets 503 rather than waiting without bound.
constexpr std::size_t kAdminQueueLimit = 16;

// Only these answer on the io thread: they read flags (Store::ready() never blocks), and a
// liveness probe must not wait behind a long replay.
bool answers_at_once(const AdminRequest& request) {
  auto path = target_path(request.target);
  return path == "/healthz" || path == "/readyz";
}

// One thread running admin jobs in arrival order. A job is called once: with true on the
// worker, or with false (refused: the worker stopped before reaching it) on the thread that
// stopped it; it must then answer without touching the store.
class AdminWorker {
 public:
  using Job = std::function<void(bool admitted)>;

  AdminWorker() : thread_([this] { run(); }) {}
  ~AdminWorker() { stop(); }
  AdminWorker(const AdminWorker&) = delete;
  AdminWorker& operator=(const AdminWorker&) = delete;

  // False (the job dropped uncalled) when the queue is full or the worker stopped.
  bool submit(Job job) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || queue_.size() >= kAdminQueueLimit) return false;
      queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
  }

  // The job running finishes; the queued ones are refused. Idempotent.
  void stop() {
    std::deque<Job> refused;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      refused.swap(queue_);
    }
    wake_.notify_one();
    for (auto& job : refused) job(false);
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    pthread_setname_np(pthread_self(), "slwd-admin");  // for operators (top -H)
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      Job job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      job(true);
      lock.lock();
    }
  }

  std::mutex mutex_;  // guards queue_, stopping_
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::mutex join_mutex_;
  std::thread thread_;  // last: started once the rest exists
};

// Admin traffic is light (probes, scrapes, operators): Beast's own parser and serializer do all
// of it, one request at a time per connection.
class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, std::shared_ptr<const AdminContext> context,
               std::shared_ptr<AdminWorker> worker)
      : stream_(std::move(socket)), context_(std::move(context)), worker_(std::move(worker)) {}

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
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    AdminRequest request{std::string(req.method_string()), std::string(req.target()),
                         std::string(req[bhttp::field::authorization]), std::move(req.body())};
    if (answers_at_once(request)) return respond(handle_admin(*context_, request));
    // Nothing of this session runs until the answer comes back to its strand: no read or write
    // is pending meanwhile.
    bool queued = worker_->submit(
        [self = shared_from_this(), request = std::move(request)](bool admitted) {
          Response answer = responses::unavailable();
          // Nothing may unwind out of the worker thread (it would end the process).
          try {
            if (admitted) answer = handle_admin(*self->context_, request);
          } catch (const std::exception& e) {
            ops::log(ops::Level::error, "admin request failed", {{"error", e.what()}});
          }
          net::post(self->stream_.get_executor(), [self, answer = std::move(answer)]() mutable {
            self->respond(std::move(answer));
          });
        });
    if (!queued) respond(responses::unavailable());
  }

  void respond(Response answer) {
    response_ = {};
    response_.version(version_);
    response_.result(answer.status);
    bool typed = false;
    for (auto& [name, value] : answer.headers) {
      response_.set(name, value);
      typed = typed || beast::iequals(name, "Content-Type");
    }
    if (!typed && !answer.body.empty()) {
      response_.set(bhttp::field::content_type, "application/json");
    }
    response_.body() = std::move(answer.body);
    response_.keep_alive(keep_alive_);
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
  std::shared_ptr<AdminWorker> worker_;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

struct AdminServer::Impl : std::enable_shared_from_this<AdminServer::Impl> {
  Impl(net::io_context& io, std::string l, AdminContext c)
      : ioc(io), listen(std::move(l)), context(std::make_shared<const AdminContext>(std::move(c))),
        worker(std::make_shared<AdminWorker>()), acceptor(net::make_strand(io)) {}

  void do_accept() {
    acceptor.async_accept(net::make_strand(ioc),
                          [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                            if (ec == net::error::operation_aborted) return;
                            if (!ec) {
                              std::make_shared<AdminSession>(std::move(socket), self->context,
                                                             self->worker)
                                  ->start();
                            }
                            self->do_accept();
                          });
  }

  net::io_context& ioc;
  std::string listen;
  std::shared_ptr<const AdminContext> context;
  std::shared_ptr<AdminWorker> worker;  // shared with the sessions; stopped by stop()
  tcp::acceptor acceptor;
};

AdminServer::AdminServer(net::io_context& ioc, std::string listen, AdminContext context)
    : impl_(std::make_shared<Impl>(ioc, std::move(listen), std::move(context))) {}

// The worker must be stopped before the store and the metrics it reads go away: Impl itself may
// outlive this object in handlers still queued on the io_context.
AdminServer::~AdminServer() { impl_->worker->stop(); }

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
  impl_->worker->stop();  // requests still queued get 503
}

}  // namespace slwd::http
