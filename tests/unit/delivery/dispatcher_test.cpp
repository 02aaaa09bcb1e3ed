// The dispatcher against a real SQLite store, real handlers (file, and http to a fake receiver)
// and several threads doing what the daemon's threads do at once: io threads recording, the
// store thread announcing work, the main thread reloading and stopping, the admin port scraping
// queue gauges. The suite runs under ThreadSanitizer too (scripts/test.sh), which is where most
// of its value lies: every interleaving it reaches is checked for data races.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "slwd/delivery/dispatcher.hpp"
#include "slwd/ops/metrics.hpp"
#include "slwd/store/sqlite_store.hpp"
#include "support/fake_http_server.hpp"
#include "support/redis_server.hpp"
#include "unit/store/sqlite_test_support.hpp"

namespace slwd::delivery {
namespace {

using namespace std::chrono_literals;
using store::test::TempDir;
using store::test::eventually;

const std::vector<std::string> kHandlers = {"audit", "archive", "hook"};

config::HandlerConfig file_handler(const std::string& name, const std::filesystem::path& path) {
  config::HandlerConfig h;
  h.name = name;
  h.type = "file";
  h.path = path.string();
  h.fsync = config::FsyncMode::never;  // the test is about threads, not the disk
  return h;
}

// Three handlers on four workers: two file handlers (batching) and an http one whose receiver
// fails now and then, so retries and rescheduling run beside first attempts.
std::shared_ptr<config::Config> make_config(const TempDir& dir, const std::string& hook_url) {
  auto cfg = std::make_shared<config::Config>();
  cfg->store = store::test::store_config(dir.path());
  cfg->delivery.workers = 4;
  cfg->handlers.push_back(file_handler("audit", dir.path() / "audit.jsonl"));
  cfg->handlers.push_back(file_handler("archive", dir.path() / "archive.jsonl"));
  config::HandlerConfig hook;
  hook.name = "hook";
  hook.type = "http";
  hook.url = hook_url;
  config::RetryConfig fast;  // failures come back at once: the retry path runs often
  fast.max_attempts = 50;
  fast.initial = 1ms;
  fast.multiplier = 1;
  fast.max = 1ms;
  fast.jitter = false;
  hook.retry = fast;
  cfg->handlers.push_back(hook);
  return cfg;
}

store::Delivery delivery(const std::string& id) {
  store::Delivery d;
  d.delivery_id = id;
  d.endpoint = "/webhooks/smartlead";
  d.event_type = "EMAIL_REPLY";
  d.received_at_ms = store::test::kT0;
  d.body = R"({"event_type":"EMAIL_REPLY","id":")" + id + R"("})";
  d.body_sha256 = "sha-" + id;
  d.handlers = kHandlers;
  return d;
}

// How many lines of a file handler's output name each delivery id.
std::map<std::string, int> ids_in_file(const std::filesystem::path& path) {
  std::map<std::string, int> seen;
  std::ifstream in(path);
  const std::string key = R"("delivery_id":")";
  for (std::string line; std::getline(in, line);) {
    auto at = line.find(key);
    if (at == std::string::npos) continue;
    at += key.size();
    ++seen[line.substr(at, line.find('"', at) - at)];
  }
  return seen;
}

std::int64_t pending_total(store::Store& store) {
  std::int64_t total = 0;
  for (const auto& [handler, counts] : store.counts()) total += counts.pending;
  return total;
}

// Records ids prefix-0 .. prefix-(n-1) and waits for every commit.
void record_all(store::Store& store, const std::string& prefix, int n) {
  std::vector<std::future<store::RecordResult>> results;
  for (int i = 0; i < n; ++i) {
    auto done = std::make_shared<std::promise<store::RecordResult>>();
    results.push_back(done->get_future());
    store.record(delivery(prefix + "-" + std::to_string(i)),
                 [done](store::RecordResult r) { done->set_value(r); });
  }
  for (auto& r : results) ASSERT_EQ(r.get(), store::RecordResult::recorded);
}

TEST(Dispatcher, EveryDeliveryReachesEachHandlerOnceWhileRecordingReloadingAndScraping) {
  TempDir dir;
  test::FakeHttpServer hook([](const test::RecordedRequest&, std::size_t index) {
    test::Reply reply;
    if (index % 4 == 3) reply.status = 503;  // retryable
    return reply;
  });
  auto config = make_config(dir, hook.url("/hook"));
  store::SqliteStore store(config->store, store::OpenMode::daemon, store::system_now_ms);
  ops::Metrics metrics;
  Dispatcher dispatcher(store, config, store::system_now_ms, &metrics);
  dispatcher.start();

  constexpr int kRecorders = 3;
  constexpr int kPerRecorder = 60;
  std::atomic<bool> recording{true};
  std::vector<std::thread> recorders;
  for (int t = 0; t < kRecorders; ++t) {
    recorders.emplace_back([&, t] { record_all(store, "r" + std::to_string(t), kPerRecorder); });
  }
  // SIGHUP with an unchanged config, over and over: lanes are replaced mid-batch.
  std::thread reloader([&] {
    while (recording.load()) {
      dispatcher.reload(make_config(dir, hook.url("/hook")));
      std::this_thread::sleep_for(2ms);
    }
  });
  std::thread scraper([&] {
    while (recording.load()) {
      EXPECT_NE(metrics.render().find("hook"), std::string::npos);
      std::this_thread::sleep_for(1ms);
    }
  });
  for (auto& r : recorders) r.join();
  EXPECT_TRUE(eventually([&] { return pending_total(store) == 0; }, 120s))
      << pending_total(store) << " entries still pending";
  recording = false;
  reloader.join();
  scraper.join();
  dispatcher.stop();

  // Nothing lost, nothing twice: a reload never lets two lanes of one handler run at once.
  for (const auto* name : {"audit.jsonl", "archive.jsonl"}) {
    const auto seen = ids_in_file(dir.path() / name);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kRecorders * kPerRecorder)) << name;
    for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << name << " has " << id << " " << times << "x";
  }
  std::map<std::string, int> accepted;  // the receiver's 2xx per id: each exactly once
  const auto requests = hook.requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i % 4 != 3) ++accepted[requests[i].header("x-request-id")];
  }
  EXPECT_EQ(accepted.size(), static_cast<std::size_t>(kRecorders * kPerRecorder));
  for (const auto& [id, times] : accepted) EXPECT_EQ(times, 1) << "hook got " << id << " " << times << "x";
}

// A store of the type under test; redis gets a private redis-server.
struct StoreUnderTest {
  std::unique_ptr<test::RedisServer> redis;
  std::unique_ptr<store::Store> store;
};

StoreUnderTest open_store_of(config::StoreType type, config::Config& config) {
  StoreUnderTest s;
  config.store.type = type;
  if (type == config::StoreType::redis) {
    s.redis = std::make_unique<test::RedisServer>();
    config.store.redis.url = s.redis->url();
  }
  s.store = store::open_store(config.store, store::OpenMode::daemon);
  return s;
}

class DispatcherOnEachStore : public ::testing::TestWithParam<config::StoreType> {};

// The daemon stops the dispatcher while the store thread is still committing recorded work
// (and announcing it), and a dispatcher may be destroyed while its store lives on. Work that
// arrives after stop() stays in the store for the next start.
TEST_P(DispatcherOnEachStore, StopAndDestroyWhileTheStoreKeepsAnnouncingWorkLosesNothing) {
  TempDir dir;
  test::FakeHttpServer hook;
  auto config = make_config(dir, hook.url("/hook"));
  auto under_test = open_store_of(GetParam(), *config);
  auto& store = *under_test.store;
  int recorded = 0;
  for (int round = 0; round < 5; ++round) {
    std::promise<void> started;
    std::thread recorder;
    {
      Dispatcher dispatcher(store, config);
      dispatcher.start();
      recorder = std::thread([&, round] {
        record_all(store, "s" + std::to_string(round) + "a", 10);
        started.set_value();
        record_all(store, "s" + std::to_string(round) + "b", 40);
      });
      started.get_future().wait();
      dispatcher.stop();
    }  // destroyed while the recorder may still be committing
    recorder.join();
    recorded += 50;
  }
  // Whatever no lane took is still pending; the rest was delivered exactly once.
  std::map<std::string, std::int64_t> pending;
  for (const auto& [handler, counts] : store.counts()) pending[handler] = counts.pending;
  for (const auto* name : {"audit", "archive"}) {
    const auto seen = ids_in_file(dir.path() / (std::string(name) + ".jsonl"));
    for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << name << " has " << id << " " << times << "x";
    EXPECT_EQ(static_cast<std::int64_t>(seen.size()) + pending[name], recorded) << name;
  }
  EXPECT_EQ(static_cast<std::int64_t>(hook.count()) + pending["hook"], recorded);
}

INSTANTIATE_TEST_SUITE_P(Stores, DispatcherOnEachStore,
                         ::testing::Values(config::StoreType::sqlite, config::StoreType::redis),
                         [](const ::testing::TestParamInfo<config::StoreType>& info) {
                           return info.param == config::StoreType::sqlite ? "sqlite" : "redis";
                         });

}  // namespace
}  // namespace slwd::delivery
