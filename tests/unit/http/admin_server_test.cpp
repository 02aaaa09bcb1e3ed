// AdminServer on a real socket, with the io_context run by one thread (server.threads: 1) and a
// store whose operator calls block until the test lets them go: requests that touch the store
// must not hold the io thread, and beyond the worker's queue they are refused with 503.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "slwd/http/admin.hpp"
#include "slwd/store/store.hpp"

namespace slwd::http {
namespace {

using namespace std::chrono_literals;

// Operator calls wait until release(); the rest answers at once.
class GatedStore final : public store::Store {
 public:
  void release() {
    if (!released_.exchange(true)) gate_.set_value();
  }
  int list_dead_calls() const { return list_dead_calls_.load(); }

  std::vector<store::DeadLetter> list_dead(const std::optional<std::string>&) override {
    ++list_dead_calls_;
    opened_.wait();
    return {};
  }
  std::size_t replay(const store::Selection&) override {
    opened_.wait();
    return 0;
  }
  bool ready() override { return true; }

  void record(store::Delivery, RecordCallback done) override {
    done(store::RecordResult::unavailable);
  }
  void quarantine(store::QuarantineItem, QuarantineCallback done) override { done(false); }
  std::vector<store::WorkItem> claim(const std::string&, std::size_t,
                                     std::chrono::milliseconds) override {
    return {};
  }
  void complete(const std::vector<std::string>&) override {}
  void reschedule(const std::string&, std::int64_t, const std::string&) override {}
  void dead_letter(const std::string&, const std::string&) override {}
  std::optional<std::int64_t> next_due_ms(const std::string&) override { return std::nullopt; }
  void set_work_listener(std::function<void()>) override {}
  std::size_t purge(const store::Selection&) override { return 0; }
  std::vector<store::QuarantineEntry> list_quarantine() override { return {}; }
  std::map<std::string, store::HandlerCounts> counts() override { return {}; }
  void shutdown() override {}

 private:
  std::promise<void> gate_;
  std::shared_future<void> opened_ = gate_.get_future().share();
  std::atomic<int> list_dead_calls_{0};
  std::atomic<bool> released_{false};
};

// A blocking client connection; every wait on it is bounded by `kBound`.
constexpr auto kBound = 10s;

class Connection {
 public:
  explicit Connection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ADD_FAILURE() << "cannot connect to the admin port";
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void send_get(const std::string& path) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: admin\r\n\r\n";
    EXPECT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
  }

  bool answered_within(std::chrono::milliseconds bound) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(bound.count())) == 1;
  }

  // The status code of the next answer, or 0 when none came within kBound.
  int status() {
    if (!answered_within(kBound)) return 0;
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 12) return 0;
    return std::stoi(std::string(buffer + 9, 3));  // "HTTP/1.1 200 ..."
  }

 private:
  int fd_;
};

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AdminContext context;
    context.store = &store_;
    server_ = std::make_unique<AdminServer>(io_, "127.0.0.1:0", context);
    server_->start();
    io_thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    store_.release();
    server_->stop();
    server_.reset();
    work_.reset();
    io_.stop();
    io_thread_.join();
  }

  std::uint16_t port() const { return server_->port(); }

  bool store_call_started() {
    for (int i = 0; i < 2000 && store_.list_dead_calls() == 0; ++i) {
      std::this_thread::sleep_for(5ms);
    }
    return store_.list_dead_calls() == 1;
  }

  GatedStore store_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::unique_ptr<AdminServer> server_;
  std::thread io_thread_;
};

TEST_F(AdminServerTest, ProbesAnswerWhileAStoreCallIsStillRunning) {
  Connection dlq(port());
  dlq.send_get("/dlq");
  // The store call is running (on the worker): with it on the only io thread, nothing else
  // on that io_context could answer now.
  ASSERT_TRUE(store_call_started());

  Connection health(port());
  health.send_get("/healthz");
  EXPECT_EQ(health.status(), 200);
  Connection ready(port());
  ready.send_get("/readyz");
  EXPECT_EQ(ready.status(), 200);
  EXPECT_FALSE(dlq.answered_within(0ms));

  store_.release();
  EXPECT_EQ(dlq.status(), 200);
}

TEST_F(AdminServerTest, BeyondTheQueueRequestsAre503AndTheAdmittedOnesAreAnswered) {
  // One request runs (blocked in the store), 16 wait in the queue, the rest are refused at once.
  constexpr int kRequests = 40;
  constexpr int kAdmitted = 1 + 16;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < kRequests; ++i) {
    connections.push_back(std::make_unique<Connection>(port()));
    connections.back()->send_get("/dlq");
    if (i == 0) {
      ASSERT_TRUE(store_call_started());  // taken off the queue: it is the running one
    }
  }
  std::vector<bool> answered(kRequests, false);
  int refused = 0;
  const auto deadline = std::chrono::steady_clock::now() + kBound;
  while (refused < kRequests - kAdmitted && std::chrono::steady_clock::now() < deadline) {
    for (int i = 0; i < kRequests; ++i) {
      if (answered[i] || !connections[i]->answered_within(0ms)) continue;
      answered[i] = true;
      EXPECT_EQ(connections[i]->status(), 503) << "answered while the store was still closed";
      ++refused;
    }
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_EQ(refused, kRequests - kAdmitted);
  EXPECT_EQ(store_.list_dead_calls(), 1);

  store_.release();
  for (int i = 0; i < kRequests; ++i) {
    if (!answered[i]) {
      EXPECT_EQ(connections[i]->status(), 200) << "request " << i;
    }
  }
  EXPECT_EQ(store_.list_dead_calls(), kAdmitted);
}

TEST_F(AdminServerTest, StopRefusesWhatIsQueuedWith503) {
  Connection running(port());
  running.send_get("/dlq");
  ASSERT_TRUE(store_call_started());
  Connection queued(port());
  queued.send_get("/dlq");
  // /healthz on the same io thread is answered after the /dlq request was read and queued.
  Connection health(port());
  health.send_get("/healthz");
  ASSERT_EQ(health.status(), 200);

  // stop() waits for the running request, so it runs beside the test.
  auto stopping = std::async(std::launch::async, [this] { server_->stop(); });
  EXPECT_EQ(queued.status(), 503);
  store_.release();
  EXPECT_EQ(stopping.wait_for(kBound), std::future_status::ready);
  EXPECT_EQ(running.status(), 200);
  EXPECT_EQ(store_.list_dead_calls(), 1);
}

}  // namespace
}  // namespace slwd::http
