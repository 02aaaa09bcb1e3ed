// slwd::store::redis::Client against a real redis-server (tests/support/redis_server), plus the
// URL parser. Every wait is bounded; timing assertions are generous (loaded CI, 2 cores).
//
// Every client test runs twice: on the client's private io thread (CLI tools), and on a strand of
// an io_context run by two threads, like the daemon's, where callbacks, posted tasks and the
// client's own handlers may land on either thread and must still never overlap.
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <dirent.h>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "slwd/store/redis/client.hpp"
#include "support/redis_server.hpp"

namespace slwd::store::redis {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using test::RedisServer;

// ---- URL parsing -------------------------------------------------------------------------------

struct UrlCase {
  std::string text;
  std::string host;
  std::uint16_t port;
  std::string unix_path;
  std::string username;
  std::string password;
  int db;
};

TEST(RedisUrl, ParsesEveryForm) {
  const std::vector<UrlCase> cases = {
      {"redis://localhost", "localhost", 6379, "", "", "", 0},
      {"redis://10.0.0.5:6380", "10.0.0.5", 6380, "", "", "", 0},
      {"redis://10.0.0.5:6380/3", "10.0.0.5", 6380, "", "", "", 3},
      {"redis://cache/", "cache", 6379, "", "", "", 0},
      {"redis://:s3cret@h:7000/0", "h", 7000, "", "", "s3cret", 0},
      {"redis://alice:s3cret@h", "h", 6379, "", "alice", "s3cret", 0},
      {"redis://:p%40ss%3Aw%2Frd%25@h:1/15", "h", 1, "", "", "p@ss:w/rd%", 15},
      {"redis://:pa@ss@h", "h", 6379, "", "", "pa@ss", 0},  // unescaped '@' still parses
      {"redis://[::1]:6390/2", "::1", 6390, "", "", "", 2},
      {"unix:///run/redis.sock", "", 0, "/run/redis.sock", "", "", 0},
      {"unix:///run/redis.sock?db=2", "", 0, "/run/redis.sock", "", "", 2},
      {"unix://:pw@/run/redis.sock", "", 0, "/run/redis.sock", "", "pw", 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    std::string error;
    auto url = parse_redis_url(c.text, error);
    ASSERT_TRUE(url.has_value()) << error;
    EXPECT_EQ(error, "");
    EXPECT_EQ(url->host, c.host);
    EXPECT_EQ(url->port, c.port);
    EXPECT_EQ(url->unix_path, c.unix_path);
    EXPECT_EQ(url->username, c.username);
    EXPECT_EQ(url->password, c.password);
    EXPECT_EQ(url->db, c.db);
  }
}

TEST(RedisUrl, RejectsBadFormsWithoutEchoingThePassword) {
  const std::vector<std::string> bad = {
      "",
      "http://h",
      "rediss://:hunter2@h",
      "redis://",
      "redis://:hunter2@",
      "redis://h:",
      "redis://:hunter2@h:0",
      "redis://:hunter2@h:70000",
      "redis://:hunter2@h:port",
      "redis://:hunter2@h/abc",
      "redis://:hunter2@h/-1",
      "redis://:hunter2@h/1/2",
      "redis://:hunter2@h?db=1",
      "redis://hunter2@h",  // userinfo without ':' is ambiguous
      "redis://user:@h",
      "redis://:hunter2%zz@h",
      "redis://:hunter2%4@h",
      "redis://[::1",
      "unix://relative.sock",
      "unix://:hunter2@",
      "unix:///s.sock?db=x",
      "unix:///s.sock?timeout=1",
  };
  for (const auto& text : bad) {
    SCOPED_TRACE(text);
    std::string error;
    auto url = parse_redis_url(text, error);
    EXPECT_FALSE(url.has_value());
    EXPECT_NE(error, "");
    EXPECT_EQ(error.find("hunter2"), std::string::npos) << error;
  }
}

// ---- helpers -----------------------------------------------------------------------------------

ClientOptions options_for(const std::string& url_text, milliseconds command_timeout = 2s,
                          milliseconds connect_timeout = 1s) {
  std::string error;
  auto url = parse_redis_url(url_text, error);
  if (!url) throw std::runtime_error(error);
  ClientOptions options;
  options.url = *url;
  options.command_timeout = command_timeout;
  options.connect_timeout = connect_timeout;
  options.name = "slwd-test";
  return options;
}

struct Outcome {
  std::optional<Reply> reply;
  std::string error;
  milliseconds elapsed{0};
  bool answered = false;  // false: the callback did not run within the test's bound
};

// command() made synchronous, with the time the callback took.
std::future<Outcome> send(Client& client, std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  auto future = promise->get_future();
  auto start = Clock::now();
  client.command(std::move(args), [promise, start](std::optional<Reply> reply, std::string error) {
    promise->set_value(Outcome{std::move(reply), std::move(error),
                               std::chrono::duration_cast<milliseconds>(Clock::now() - start),
                               true});
  });
  return future;
}

Outcome get(std::future<Outcome>& future, milliseconds bound = 10s) {
  if (future.wait_for(bound) != std::future_status::ready) return Outcome{};
  return future.get();
}

Outcome run(Client& client, std::vector<std::string> args, milliseconds bound = 10s) {
  auto future = send(client, std::move(args));
  return get(future, bound);
}

// Polls `condition` until it holds or `bound` passes.
template <typename Condition>
bool eventually(Condition condition, milliseconds bound = 10s) {
  auto deadline = Clock::now() + bound;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// Threads of this process, from /proc/self/task.
std::size_t thread_count() {
  std::size_t count = 0;
  if (DIR* dir = ::opendir("/proc/self/task")) {
    while (const dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
  }
  return count;
}

// What Client::call() does on the calling thread: "returned", "logic_error" (refused: it
// would wait for itself) or "other exception".
std::string blocking_call_outcome(Client& client) {
  try {
    client.call({"PING"});
    return "returned";
  } catch (const std::logic_error&) {
    return "logic_error";
  } catch (...) {
    return "other exception";
  }
}

enum class Runs { private_thread, daemon_io };

std::string runs_name(const ::testing::TestParamInfo<Runs>& info) {
  return info.param == Runs::private_thread ? "PrivateThread" : "DaemonIoContext";
}

class RedisClient : public ::testing::TestWithParam<Runs> {
 protected:
  static constexpr int kIoThreads = 2;

  void SetUp() override {
    if (GetParam() != Runs::daemon_io) return;
    for (int i = 0; i < kIoThreads; ++i) {
      io_threads_.emplace_back([this] {
        // What serve does for the whole process (it ignores SIGPIPE): hiredis writes with
        // write(2) on these threads, and a write to a reset socket must not kill the tests.
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
        {
          std::lock_guard lock(ids_mutex_);
          io_thread_ids_.insert(std::this_thread::get_id());
        }
        io_.run();
      });
    }
    ASSERT_TRUE(eventually([&] {
      std::lock_guard lock(ids_mutex_);
      return io_thread_ids_.size() == kIoThreads;
    }));
  }

  void TearDown() override {
    // Every client of the test is gone (or stopped): nothing of theirs keeps run() going.
    work_.reset();
    for (auto& thread : io_threads_) thread.join();
  }

  boost::asio::io_context* io() { return GetParam() == Runs::daemon_io ? &io_ : nullptr; }

  std::unique_ptr<Client> make_client(const std::string& url, milliseconds command_timeout = 2s,
                                      milliseconds connect_timeout = 1s) {
    return std::make_unique<Client>(options_for(url, command_timeout, connect_timeout), io());
  }

  std::unique_ptr<Client> connected_client(const std::string& url,
                                           milliseconds command_timeout = 2s,
                                           milliseconds connect_timeout = 1s) {
    auto client = make_client(url, command_timeout, connect_timeout);
    client->start();
    EXPECT_TRUE(client->wait_connected(10s)) << "no connection to " << url;
    return client;
  }

  // The threads the client's handlers may run on: the io_context's, or (private) the one a
  // callback reports.
  std::set<std::thread::id> client_threads(Client& client) {
    if (GetParam() == Runs::daemon_io) {
      std::lock_guard lock(ids_mutex_);
      return io_thread_ids_;
    }
    std::promise<std::thread::id> io_thread;
    client.command({"PING"}, [&](std::optional<Reply>, std::string) {
      io_thread.set_value(std::this_thread::get_id());
    });
    return {io_thread.get_future().get()};
  }

  boost::asio::io_context io_{kIoThreads};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::vector<std::thread> io_threads_;
  std::mutex ids_mutex_;
  std::set<std::thread::id> io_thread_ids_;
};

INSTANTIATE_TEST_SUITE_P(Runs, RedisClient,
                         ::testing::Values(Runs::private_thread, Runs::daemon_io), runs_name);

// ---- basics ------------------------------------------------------------------------------------

TEST_P(RedisClient, SetGetRoundTrip) {
  RedisServer server;
  auto client = connected_client(server.url());
  EXPECT_TRUE(client->connected());

  Reply set = client->call({"SET", "greeting", "hello"});
  EXPECT_EQ(set.type, Reply::Type::status);
  EXPECT_EQ(set.str, "OK");

  Reply got = client->call({"GET", "greeting"});
  EXPECT_EQ(got.type, Reply::Type::string);
  EXPECT_EQ(got.str, "hello");

  EXPECT_TRUE(client->call({"GET", "missing"}).is_nil());

  Reply incr = client->call({"INCRBY", "n", "41"});
  EXPECT_EQ(incr.type, Reply::Type::integer);
  EXPECT_EQ(incr.integer, 41);

  // CLIENT SETNAME ran during the handshake.
  EXPECT_EQ(client->call({"CLIENT", "GETNAME"}).str, "slwd-test");
}

TEST_P(RedisClient, ValuesAndKeysAreBinarySafe) {
  RedisServer server;
  auto client = connected_client(server.url());
  const std::string key("k\0ey", 4);
  const std::string value("a\0b\r\n*3\r\n\xff", 10);
  EXPECT_EQ(client->call({"SET", key, value}).str, "OK");
  Reply got = client->call({"GET", key});
  ASSERT_EQ(got.type, Reply::Type::string);
  EXPECT_EQ(got.str, value);
  EXPECT_EQ(client->call({"STRLEN", key}).integer, 10);
  EXPECT_TRUE(client->call({"GET", std::string("k")}).is_nil());
}

TEST_P(RedisClient, ArrayRepliesAreCopiedWithNesting) {
  RedisServer server;
  auto client = connected_client(server.url());
  EXPECT_EQ(client->call({"RPUSH", "list", "a", "b", "c"}).integer, 3);

  Reply range = client->call({"LRANGE", "list", "0", "-1"});
  ASSERT_EQ(range.type, Reply::Type::array);
  ASSERT_EQ(range.elements.size(), 3u);
  EXPECT_EQ(range.elements[0].str, "a");
  EXPECT_EQ(range.elements[2].str, "c");

  Reply empty = client->call({"LRANGE", "nothing", "0", "-1"});
  EXPECT_EQ(empty.type, Reply::Type::array);
  EXPECT_TRUE(empty.elements.empty());

  client->call({"SET", "x", "1"});
  Reply mget = client->call({"MGET", "x", "absent"});
  ASSERT_EQ(mget.elements.size(), 2u);
  EXPECT_EQ(mget.elements[0].str, "1");
  EXPECT_TRUE(mget.elements[1].is_nil());

  Reply nested = client->call({"EVAL", "return {1, {'a', 'b'}, 'x'}", "0"});
  ASSERT_EQ(nested.type, Reply::Type::array);
  ASSERT_EQ(nested.elements.size(), 3u);
  EXPECT_EQ(nested.elements[0].integer, 1);
  ASSERT_EQ(nested.elements[1].type, Reply::Type::array);
  EXPECT_EQ(nested.elements[1].elements[1].str, "b");
  EXPECT_EQ(nested.elements[2].str, "x");
}

TEST_P(RedisClient, ErrorRepliesArePassedThroughNotThrown) {
  RedisServer server;
  auto client = connected_client(server.url());
  client->call({"SET", "text", "not a number"});

  Reply err = client->call({"INCR", "text"});
  EXPECT_TRUE(err.is_error());
  EXPECT_EQ(err.str.rfind("ERR", 0), 0u) << err.str;

  // Through command(): the reply is set and `error` is empty; the connection stays usable.
  Outcome out = run(*client, {"NOSUCHCOMMAND", "x"});
  ASSERT_TRUE(out.answered);
  ASSERT_TRUE(out.reply.has_value());
  EXPECT_TRUE(out.reply->is_error());
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(client->call({"PING"}).str, "PONG");
}

TEST_P(RedisClient, CommandBeforeStartIsNotConnected) {
  RedisServer server;
  Client client(options_for(server.url()), io());
  EXPECT_FALSE(client.connected());
  Outcome out = run(client, {"PING"});
  ASSERT_TRUE(out.answered);
  EXPECT_FALSE(out.reply.has_value());
  EXPECT_EQ(out.error, "not connected");
  EXPECT_FALSE(client.wait_connected(50ms));
}

TEST_P(RedisClient, CallOnTheIoThreadThrowsLogicError) {
  RedisServer server;
  auto client = connected_client(server.url());
  std::promise<std::string> seen;
  auto result = seen.get_future();
  client->command({"PING"}, [&](std::optional<Reply>, std::string) {
    seen.set_value(blocking_call_outcome(*client));
  });
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), "logic_error");
}

TEST_P(RedisClient, CallFromAnyHandlerOfTheIoContextThrowsLogicError) {
  // Not only the strand: with one io thread, any handler of that io_context waiting for the
  // strand would wait for itself.
  RedisServer server;
  auto client = connected_client(server.url());
  std::promise<std::string> seen;
  auto result = seen.get_future();
  auto try_call = [&] { seen.set_value(blocking_call_outcome(*client)); };
  if (io() != nullptr) {
    boost::asio::post(*io(), try_call);  // a plain handler, not on the client's strand
  } else {
    client->post(try_call);
  }
  ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(result.get(), "logic_error");
  EXPECT_EQ(client->call({"PING"}).str, "PONG");  // from this thread it works
}

TEST_P(RedisClient, OnTheDaemonsIoContextItStartsNoThreadOfItsOwn) {
  RedisServer server;  // a numeric address: no resolver thread either
  // ThreadSanitizer starts a thread of its own when the process makes its first one: make it
  // exist before counting, so that only the client's threads make a difference.
  std::thread([] {}).join();
  const auto before = thread_count();
  auto client = connected_client(server.url());
  EXPECT_EQ(client->call({"PING"}).str, "PONG");
  const auto with_client = thread_count();
  if (io() != nullptr) {
    EXPECT_EQ(with_client, before);
  } else {
    EXPECT_EQ(with_client, before + 1);  // "slwd-redis"
  }
  client.reset();
  EXPECT_EQ(thread_count(), before);
}

TEST_P(RedisClient, UnixSocketWithDb) {
  RedisServer server;
  auto over_unix = connected_client(server.unix_url(3));
  EXPECT_EQ(over_unix->call({"SET", "where", "unix"}).str, "OK");
  auto over_tcp_db3 = connected_client(server.url(3));
  EXPECT_EQ(over_tcp_db3->call({"GET", "where"}).str, "unix");
  auto over_tcp_db0 = connected_client(server.url());
  EXPECT_TRUE(over_tcp_db0->call({"GET", "where"}).is_nil());
}

// ---- pipelining --------------------------------------------------------------------------------

TEST_P(RedisClient, PipelinesTenThousandCommandsFromSeveralThreadsInOrderPerCaller) {
  RedisServer server;
  auto client = connected_client(server.url(), 10s);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  constexpr int kTotal = kThreads * kPerThread;

  // Each thread INCRs its own counter: in-order replies per caller means thread t sees 1, 2, 3...
  std::vector<long long> last(kThreads, 0);  // written only by callbacks (the io thread)
  std::atomic<int> answered{0};
  std::atomic<int> out_of_order{0};
  std::atomic<int> failed{0};
  std::mutex mutex;
  std::condition_variable all_done;

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        client->command({"INCR", "counter:" + std::to_string(t)},
                        [&, t](std::optional<Reply> reply, std::string) {
                          if (!reply || reply->type != Reply::Type::integer) {
                            ++failed;
                          } else {
                            if (reply->integer != last[t] + 1) ++out_of_order;
                            last[t] = reply->integer;
                          }
                          if (++answered == kTotal) {
                            std::lock_guard lock(mutex);
                            all_done.notify_all();
                          }
                        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  {
    std::unique_lock lock(mutex);
    all_done.wait_for(lock, 30s, [&] { return answered.load() == kTotal; });
  }
  ASSERT_EQ(answered.load(), kTotal);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(out_of_order.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(client->call({"GET", "counter:" + std::to_string(t)}).str,
              std::to_string(kPerThread));
  }
  // All of it went over the one connection.
  Reply clients = client->call({"CLIENT", "LIST"});
  std::size_t ours = 0;
  for (std::size_t at = 0; (at = clients.str.find("name=slwd-test ", at)) != std::string::npos;
       ++at) {
    ++ours;
  }
  EXPECT_EQ(ours, 1u) << clients.str;
}

// ---- AUTH and SELECT ---------------------------------------------------------------------------

TEST_P(RedisClient, AuthenticatesWithPasswordAndWithUsername) {
  RedisServer server({"--requirepass", "s3cr%t@"});
  auto port = std::to_string(server.port());
  auto plain = connected_client("redis://:s3cr%25t%40@127.0.0.1:" + port);
  EXPECT_EQ(plain->call({"PING"}).str, "PONG");
  auto with_user = connected_client("redis://default:s3cr%25t%40@127.0.0.1:" + port + "/1");
  EXPECT_EQ(with_user->call({"SET", "a", "b"}).str, "OK");
}

TEST_P(RedisClient, WrongPasswordIsAClearErrorThatHidesThePassword) {
  RedisServer server({"--requirepass", "right-pass"});
  Client client(options_for("redis://:wrong-pass@127.0.0.1:" + std::to_string(server.port())),
                io());
  client.start();
  EXPECT_FALSE(client.wait_connected(500ms));
  EXPECT_FALSE(client.connected());

  Outcome out = run(client, {"PING"});
  ASSERT_TRUE(out.answered);
  EXPECT_EQ(out.error, "not connected");

  std::string message;
  ASSERT_TRUE(eventually([&] {
    try {
      client.call({"PING"});
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    return message.find("WRONGPASS") != std::string::npos;
  })) << message;
  EXPECT_NE(message.find("AUTH failed"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-pass"), std::string::npos) << message;
}

TEST_P(RedisClient, MissingPasswordIsAClearError) {
  RedisServer server({"--requirepass", "right-pass"});
  Client client(options_for(server.url()), io());
  client.start();
  EXPECT_FALSE(client.wait_connected(500ms));
  std::string message;
  ASSERT_TRUE(eventually([&] {
    try {
      client.call({"PING"});
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    return message.find("NOAUTH") != std::string::npos;
  })) << message;
}

TEST_P(RedisClient, SelectIsolatesDatabases) {
  RedisServer server;
  auto db1 = connected_client(server.url(1));
  auto db2 = connected_client(server.url(2));
  auto db0 = connected_client(server.url());
  db1->call({"SET", "shared", "one"});
  db2->call({"SET", "shared", "two"});
  EXPECT_EQ(db1->call({"GET", "shared"}).str, "one");
  EXPECT_EQ(db2->call({"GET", "shared"}).str, "two");
  EXPECT_TRUE(db0->call({"GET", "shared"}).is_nil());
}

// ---- failures ----------------------------------------------------------------------------------

TEST_P(RedisClient, RetriesUntilTheServerComesUp) {
  RedisServer server;
  server.stop();
  Client client(options_for(server.url(), 2s, 300ms), io());
  client.start();
  EXPECT_FALSE(client.wait_connected(200ms));
  Outcome out = run(client, {"PING"});
  EXPECT_EQ(out.error, "not connected");
  EXPECT_LT(out.elapsed, 500ms);
  std::string message;
  ASSERT_TRUE(eventually([&] {
    try {
      client.call({"PING"});
    } catch (const std::runtime_error& e) {
      message = e.what();
    }
    return message.find("refused") != std::string::npos;
  })) << message;

  server.restart();
  ASSERT_TRUE(client.wait_connected(10s));
  EXPECT_EQ(client.call({"PING"}).str, "PONG");
}

TEST_P(RedisClient, ServerKilledThenRestartedReconnectsTheSameClient) {
  RedisServer server;
  auto client = connected_client(server.url(), 10s);
  auto observer = connected_client(server.url());

  // A BLPOP blocks server-side, so it is surely in flight when the server dies.
  auto blocked = send(*client, {"BLPOP", "never", "0"});
  ASSERT_TRUE(eventually([&] {
    return observer->call({"INFO", "clients"}).str.find("blocked_clients:1") != std::string::npos;
  }));
  server.kill9();

  Outcome lost = get(blocked);
  ASSERT_TRUE(lost.answered);
  EXPECT_FALSE(lost.reply.has_value());
  EXPECT_EQ(lost.error, "disconnected");
  ASSERT_TRUE(eventually([&] { return !client->connected(); }));

  Outcome refused = run(*client, {"PING"});
  ASSERT_TRUE(refused.answered);
  EXPECT_EQ(refused.error, "not connected");
  EXPECT_LT(refused.elapsed, 1s);

  server.restart();
  ASSERT_TRUE(client->wait_connected(10s));
  EXPECT_TRUE(client->connected());
  EXPECT_EQ(client->call({"SET", "after", "restart"}).str, "OK");
  EXPECT_EQ(client->call({"GET", "after"}).str, "restart");
}

TEST_P(RedisClient, HungServerTimesOutThenRecoversAfterResume) {
  RedisServer server;
  constexpr milliseconds kCommandTimeout = 300ms;
  auto client = connected_client(server.url(), kCommandTimeout, 300ms);
  EXPECT_EQ(client->call({"PING"}).str, "PONG");

  server.pause();
  constexpr int kInFlight = 5;
  std::vector<std::future<Outcome>> futures;
  std::atomic<int> callbacks{0};
  for (int i = 0; i < kInFlight; ++i) {
    futures.push_back(send(*client, {"SET", "k" + std::to_string(i), "v"}));
    client->command({"GET", "k"}, [&](std::optional<Reply>, std::string) { ++callbacks; });
  }
  Outcome first = get(futures[0], kCommandTimeout + 1500ms);
  ASSERT_TRUE(first.answered) << "no callback within command_timeout + 1.5 s";
  EXPECT_FALSE(first.reply.has_value());
  EXPECT_EQ(first.error, "timeout");
  EXPECT_GE(first.elapsed, kCommandTimeout - 50ms);
  EXPECT_LT(first.elapsed, kCommandTimeout + 1500ms);
  for (int i = 1; i < kInFlight; ++i) {
    Outcome other = get(futures[i], kCommandTimeout + 1500ms);
    ASSERT_TRUE(other.answered);
    EXPECT_FALSE(other.reply.has_value());
    EXPECT_TRUE(other.error == "timeout" || other.error == "disconnected") << other.error;
  }
  ASSERT_TRUE(eventually([&] { return callbacks.load() == kInFlight; }, 2s));

  // The dead connection was dropped: later commands fail fast instead of queueing behind it.
  EXPECT_FALSE(client->connected());
  Outcome fast = run(*client, {"PING"});
  ASSERT_TRUE(fast.answered);
  EXPECT_EQ(fast.error, "not connected");
  EXPECT_LT(fast.elapsed, kCommandTimeout);

  // Reconnecting to a frozen server: TCP connects (the kernel accepts), the handshake never
  // answers, connect_timeout cuts each attempt short, and we stay "not connected".
  EXPECT_FALSE(client->wait_connected(1s));

  server.resume();
  ASSERT_TRUE(client->wait_connected(10s));
  EXPECT_EQ(client->call({"SET", "alive", "yes"}).str, "OK");
  EXPECT_EQ(client->call({"GET", "alive"}).str, "yes");
  // Late replies to the timed-out commands never reach their callbacks a second time.
  EXPECT_EQ(callbacks.load(), kInFlight);
}

// `count` SETs sent to a server that does not answer (paused): each callback counts how often it
// ran, and whether it got anything but "disconnected".
class UnansweredSets {
 public:
  UnansweredSets(Client& client, int count) : calls_(static_cast<std::size_t>(count)) {
    for (int i = 0; i < count; ++i) {
      client.command({"SET", "k" + std::to_string(i), "v"},
                     [this, i](std::optional<Reply> reply, std::string error) {
                       ++calls_[static_cast<std::size_t>(i)];
                       if (reply || error != "disconnected") ++not_disconnected_;
                     });
    }
  }
  void expect_each_disconnected_once() const {
    for (std::size_t i = 0; i < calls_.size(); ++i) {
      EXPECT_EQ(calls_[i].load(), 1) << "command " << i;
    }
    EXPECT_EQ(not_disconnected_.load(), 0);
  }

 private:
  std::vector<std::atomic<int>> calls_;
  std::atomic<int> not_disconnected_{0};
};

TEST_P(RedisClient, DestructorWithCommandsInFlightRunsEveryCallbackOnce) {
  RedisServer server;
  auto client = connected_client(server.url(), 10s);
  server.pause();

  UnansweredSets sets(*client, 200);
  auto start = Clock::now();
  client.reset();
  EXPECT_LT(Clock::now() - start, 1s);
  sets.expect_each_disconnected_once();
  server.resume();
}

TEST_P(RedisClient, CanBeDestroyedFromItsOwnCallback) {
  RedisServer server;
  auto client = connected_client(server.url());
  std::promise<void> done;
  auto finished = done.get_future();
  client->command({"PING"}, [&](std::optional<Reply>, std::string) {
    client.reset();  // on the io thread: must neither deadlock (join itself) nor crash
    done.set_value();
  });
  EXPECT_EQ(finished.wait_for(10s), std::future_status::ready);
}

// ---- encoded commands and posted tasks --------------------------------------------------------

TEST_P(RedisClient, EncodedCommandsAreSentAsIs) {
  RedisServer server;
  auto client = connected_client(server.url());
  const std::string value("\0\r\n$3\r\n*", 8);  // would break a pipeline if not length-prefixed
  std::promise<Outcome> set;
  Command command("SET");
  command.arg("k").arg(value);
  client->send(
      std::move(command),
      [&](std::optional<Reply> reply, std::string error) {
        set.set_value(Outcome{std::move(reply), std::move(error), {}, true});
      },
      Clock::now());
  auto outcome = set.get_future().get();
  ASSERT_TRUE(outcome.reply) << outcome.error;
  EXPECT_EQ(outcome.reply->str, "OK");
  auto got = run(*client, {"GET", "k"});
  ASSERT_TRUE(got.reply);
  EXPECT_EQ(got.reply->str, value);
}

TEST_P(RedisClient, SendTimesOutCountingFromTheCallersSince) {
  RedisServer server;
  auto client = connected_client(server.url(), 500ms);
  // Taken on 400 ms ago: 100 ms of the 500 ms command_timeout are left, not 500.
  std::promise<Outcome> answered;
  auto start = Clock::now();
  server.pause();
  client->send(
      Command("PING"),
      [&](std::optional<Reply> reply, std::string error) {
        answered.set_value(Outcome{std::move(reply), std::move(error),
                                   std::chrono::duration_cast<milliseconds>(Clock::now() - start),
                                   true});
      },
      start - 400ms);
  auto future = answered.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto outcome = future.get();
  server.resume();
  EXPECT_FALSE(outcome.reply);
  EXPECT_EQ(outcome.error, "timeout");
  EXPECT_LT(outcome.elapsed, 400ms);
}

TEST_P(RedisClient, PostedTasksRunOnceEachOnTheStrandInOrderNeverBesideACallback) {
  RedisServer server;
  auto client = connected_client(server.url());
  const auto allowed = client_threads(*client);

  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  // Tasks and command callbacks share the strand: `inside` never exceeds one.
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  auto enter = [&] {
    if (++inside != 1) ++overlaps;
    std::this_thread::yield();  // widens the window another handler would overlap in
  };
  auto leave = [&] { --inside; };
  std::mutex mutex;
  std::vector<std::vector<int>> seen(kThreads);
  std::atomic<int> off_thread{0};
  std::atomic<int> ran{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        client->post([&, t, i] {
          enter();
          if (!allowed.contains(std::this_thread::get_id())) ++off_thread;
          {
            std::lock_guard lock(mutex);
            seen[t].push_back(i);
          }
          ++ran;
          leave();
        });
        if (i % 10 == 0) {
          client->command({"PING"}, [&](std::optional<Reply>, std::string) {
            enter();
            if (!allowed.contains(std::this_thread::get_id())) ++off_thread;
            ++answered;
            leave();
          });
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(eventually([&] {
    return ran.load() == kThreads * kPerThread && answered.load() == kThreads * kPerThread / 10;
  }));
  EXPECT_EQ(off_thread.load(), 0);
  EXPECT_EQ(overlaps.load(), 0);
  std::lock_guard lock(mutex);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<std::size_t>(kPerThread));
    for (int i = 0; i < kPerThread; ++i) ASSERT_EQ(seen[t][i], i) << "thread " << t;
  }
}

TEST_P(RedisClient, TaskPostedBeforeDestructionRunsBeforeTheDestructorReturns) {
  RedisServer server;
  auto client = connected_client(server.url());
  std::atomic<bool> ran{false};
  std::atomic<int> answers{0};
  Client* raw = client.get();  // `client` is null while its destructor runs
  client->post([&, raw] {
    std::this_thread::sleep_for(50ms);
    // Sent while the client is being destroyed: answered ("disconnected"), never dropped.
    raw->send(
        Command("PING"), [&](std::optional<Reply>, std::string) { ++answers; }, Clock::now());
    ran = true;
  });
  client.reset();
  EXPECT_TRUE(ran.load());
  EXPECT_EQ(answers.load(), 1);
}

TEST_P(RedisClient, StopAnswersEverythingOnceAndLaterCommandsAreDisconnected) {
  RedisServer server;
  auto client = connected_client(server.url(), 10s);
  server.pause();
  UnansweredSets sets(*client, 50);
  client->stop();
  sets.expect_each_disconnected_once();
  EXPECT_FALSE(client->connected());
  server.resume();

  // Stopped for good: no reconnection, and commands complete at once.
  Outcome later = run(*client, {"PING"});
  ASSERT_TRUE(later.answered);
  EXPECT_EQ(later.error, "disconnected");
  EXPECT_FALSE(client->wait_connected(300ms));
  client->stop();  // idempotent
}

TEST_P(RedisClient, StoppedClientIsDestroyedAfterTheIoThreadsEnded) {
  // serve's order: the store stops its client while the io threads run, the io threads end,
  // and only then is the store (and its client) destroyed.
  if (io() == nullptr) GTEST_SKIP() << "only a client on the daemon's io_context";
  RedisServer server;
  auto client = connected_client(server.url());
  EXPECT_EQ(client->call({"PING"}).str, "PONG");
  client->stop();
  work_.reset();
  for (auto& thread : io_threads_) thread.join();
  io_threads_.clear();
  auto start = Clock::now();
  client.reset();
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_P(RedisClient, DestructorWhileReconnectingIsPrompt) {
  RedisServer server;
  auto client = connected_client(server.url(), 2s, 300ms);
  server.kill9();
  ASSERT_TRUE(eventually([&] { return !client->connected(); }));
  auto start = Clock::now();
  client.reset();
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace slwd::store::redis
