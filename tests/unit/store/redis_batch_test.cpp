// RedisStore ingest batching against a real redis-server: records that arrive while the client's
// io thread is busy go out together in one record-script call, each still answered on its own
// (recorded / duplicate / unavailable), in arrival order, within the documented bounds.
//
// How the tests make the io thread busy without timing: record callbacks run on that thread, so
// a callback that blocks holds it (Gate) while the test queues more records behind it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "slwd/store/redis/client.hpp"
#include "slwd/store/redis_store.hpp"
#include "redis_raw.hpp"
#include "sqlite_test_support.hpp"  // FakeClock, delivery(), record_sync(), eventually()
#include "support/redis_server.hpp"

namespace slwd::store::test {
namespace {

using namespace std::chrono_literals;
using slwd::test::RedisServer;

config::StoreConfig batch_config(const RedisServer& server) {
  config::StoreConfig cfg;
  cfg.type = config::StoreType::redis;
  cfg.redis.url = server.url();
  cfg.redis.key_prefix = "b:";
  cfg.redis.connect_timeout = 5s;
  cfg.redis.command_timeout = 5s;
  cfg.dedupe_ttl = 24h;
  cfg.dedupe_body = true;
  return cfg;
}

// No trimming during a test: its script calls would blur the call counts.
RedisStoreOptions quiet_options() {
  RedisStoreOptions options;
  options.trim_interval = 1h;
  return options;
}

// Holds the store's client io thread inside a record callback until open(). The callback owns
// its share of the state: it may still be returning when the Gate is gone.
class Gate {
 public:
  explicit Gate(Store& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto inside = entered->get_future();
    std::shared_future<void> released = released_.get_future().share();
    store.record(delivery("gate", "gate"), [entered, released](RecordResult) {
      entered->set_value();
      released.wait();
    });
    EXPECT_EQ(inside.wait_for(10s), std::future_status::ready);
  }
  ~Gate() { open(); }
  void open() {
    if (!opened_) released_.set_value();
    opened_ = true;
  }

 private:
  std::promise<void> released_;
  bool opened_ = false;
};

// Collects the answers of records queued with record().
class Answers {
 public:
  Store::RecordCallback slot(const std::string& name) {
    {
      std::lock_guard lock(mutex_);
      ++expected_;
    }
    return [this, name](RecordResult result) {
      std::lock_guard lock(mutex_);
      results_[name].push_back(result);
      order_.push_back(name);
      ++answered_;
    };
  }
  bool all_in(std::chrono::milliseconds limit = 20s) {
    return eventually(
        [&] {
          std::lock_guard lock(mutex_);
          return answered_ == expected_;
        },
        limit);
  }
  std::vector<RecordResult> of(const std::string& name) {
    std::lock_guard lock(mutex_);
    return results_[name];
  }
  std::vector<std::string> order() {
    std::lock_guard lock(mutex_);
    return order_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<RecordResult>> results_;
  std::vector<std::string> order_;
  int expected_ = 0;
  int answered_ = 0;
};

// Records `prefix`-0 .. `prefix`-(count-1), each with its id as its body.
void record_numbered(Store& store, Answers& answers, const std::string& prefix, int count) {
  for (int i = 0; i < count; ++i) {
    const auto id = prefix + "-" + std::to_string(i);
    store.record(delivery(id, id), answers.slot(id));
  }
}

// Each of `prefix`-0 .. `prefix`-(count-1) was answered once, with `result`.
void expect_each_answered(Answers& answers, const std::string& prefix, int count,
                          RecordResult result) {
  for (int i = 0; i < count; ++i) {
    const auto id = prefix + "-" + std::to_string(i);
    EXPECT_EQ(answers.of(id), std::vector<RecordResult>{result}) << id;
  }
}

TEST(RedisRecordBatch, RecordsQueuedWhileTheClientIsBusyGoOutInOneCallEachAnsweredAlone) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(batch_config(server), OpenMode::daemon, FakeClock().fn(), quiet_options());
  raw({"CONFIG", "RESETSTAT"});
  Answers answers;
  {
    Gate gate(store);
    // From several threads, as io threads would; "twice" comes twice from one thread, so its
    // second arrival is behind its first in the queue.
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        record_numbered(store, answers, "t" + std::to_string(t), 10);
        if (t == 0) {
          store.record(delivery("twice", "first body"), answers.slot("twice"));
          store.record(delivery("twice", "second body"), answers.slot("twice"));
          store.record(delivery("no-handlers", "x", {}), answers.slot("no-handlers"));
        }
      });
    }
    for (auto& thread : threads) thread.join();
  }
  ASSERT_TRUE(answers.all_in());
  for (int t = 0; t < 4; ++t) {
    expect_each_answered(answers, "t" + std::to_string(t), 10, RecordResult::recorded);
  }
  EXPECT_EQ(answers.of("twice"),
            (std::vector<RecordResult>{RecordResult::recorded, RecordResult::duplicate}));
  EXPECT_EQ(answers.of("no-handlers"), std::vector<RecordResult>{RecordResult::recorded});
  // The gate's record alone, then the 43 queued behind it together.
  EXPECT_EQ(raw.calls("evalsha"), 2);
  EXPECT_EQ(raw.integer({"XLEN", "b:events"}), 1 + 40 + 1);  // gate, t*-*, twice's first
  EXPECT_EQ(raw.integer({"EXISTS", "b:dedupe:id:no-handlers"}), 1);
  // Exactly as recorded alone: the one entry of "twice" is its first copy.
  auto entries = raw({"XRANGE", "b:events", "-", "+"});
  std::vector<std::map<std::string, std::string>> twice;
  for (const auto& entry : entries.elements) {
    const auto& fields = entry.elements[1].elements;
    std::map<std::string, std::string> event;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) event[fields[i].str] = fields[i + 1].str;
    if (event["delivery_id"] == "twice") twice.push_back(event);
  }
  ASSERT_EQ(twice.size(), 1u);
  EXPECT_EQ(twice[0]["body"], "first body");
  EXPECT_EQ(twice[0]["handlers"], "audit");
}

TEST(RedisRecordBatch, OneCallCarriesAtMost64RecordsOr256KiBOfBodies) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(batch_config(server), OpenMode::daemon, FakeClock().fn(), quiet_options());
  raw({"CONFIG", "RESETSTAT"});
  Answers answers;
  {
    Gate gate(store);
    record_numbered(store, answers, "small", 150);
  }
  ASSERT_TRUE(answers.all_in());
  EXPECT_EQ(raw.calls("evalsha"), 1 + 3);  // the gate, then 64 + 64 + 22
  EXPECT_EQ(raw.integer({"XLEN", "b:events"}), 151);

  raw({"CONFIG", "RESETSTAT"});
  {
    Gate gate(store);
    for (int i = 0; i < 3; ++i) {
      const auto id = "large-" + std::to_string(i);
      store.record(delivery(id, std::string(200 * 1024, static_cast<char>('a' + i))),
                   answers.slot(id));
    }
  }
  ASSERT_TRUE(answers.all_in());
  EXPECT_EQ(raw.calls("evalsha"), 1 + 3);  // no two 200 KiB bodies fit in one call
  expect_each_answered(answers, "large", 3, RecordResult::recorded);
  // Answered in the order they came, across the calls.
  auto order = answers.order();
  ASSERT_EQ(order.size(), 153u);
  EXPECT_EQ(order[0], "small-0");
  EXPECT_EQ(order[149], "small-149");
  EXPECT_EQ(order[150], "large-0");
  EXPECT_EQ(order[152], "large-2");
}

TEST(RedisRecordBatch, ACallRedisRefusesIsAnsweredUnavailableForEveryRecordInIt) {
  RedisServer server({"--maxmemory-policy", "noeviction"});
  Raw raw(server);
  RedisStore store(batch_config(server), OpenMode::daemon, FakeClock().fn(), quiet_options());
  Answers answers;
  {
    Gate gate(store);
    raw({"CONFIG", "SET", "maxmemory", "1"});  // every write is refused: OOM
    record_numbered(store, answers, "oom", 5);
  }
  ASSERT_TRUE(answers.all_in());
  expect_each_answered(answers, "oom", 5, RecordResult::unavailable);
  // Nothing of the refused call was kept, so SmartLead's retries are recorded, not duplicates.
  raw({"CONFIG", "SET", "maxmemory", "0"});
  EXPECT_EQ(raw.integer({"XLEN", "b:events"}), 1);  // the gate's
  EXPECT_EQ(record_sync(store, delivery("oom-3", "oom-3")), RecordResult::recorded);
  EXPECT_TRUE(store.ready());  // Redis answered: a refusal is not an outage
}

TEST(RedisRecordBatch, ABatchThatMeetsNoscriptIsSentAgainWhole) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(batch_config(server), OpenMode::daemon, FakeClock().fn(), quiet_options());
  raw({"CONFIG", "RESETSTAT"});
  Answers answers;
  {
    Gate gate(store);
    raw({"SCRIPT", "FLUSH"});  // as after a Redis restart without persistence of scripts
    record_numbered(store, answers, "ns", 10);
  }
  ASSERT_TRUE(answers.all_in());
  expect_each_answered(answers, "ns", 10, RecordResult::recorded);
  EXPECT_EQ(raw.calls("evalsha"), 2);  // the gate, the batch refused with NOSCRIPT
  EXPECT_EQ(raw.calls("eval"), 1);     // the batch again, with the script's text
  EXPECT_EQ(raw.integer({"XLEN", "b:events"}), 11);
}

}  // namespace
}  // namespace slwd::store::test
