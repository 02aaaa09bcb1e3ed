// Ingest side of the SQLite store: dedupe, TTL, pruning, group commit, back-pressure, failure
// and recovery, shutdown, quarantine, opening.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "sqlite_test_support.hpp"

namespace slwd::store::test {
namespace {

using namespace std::chrono_literals;

TEST(SqliteStore, RecordsThenRefusesTheSameDeliveryId) {
  TempDir dir;
  FakeClock clock;
  SqliteStore store(store_config(dir.path()), OpenMode::daemon, clock.fn());
  EXPECT_EQ(record_sync(store, delivery("req-1", "{\"a\":1}")), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "{\"a\":2}")), RecordResult::duplicate);
  EXPECT_EQ(store.counts()["audit"].pending, 1);
  // The duplicate wrote nothing: one event, one outbox row.
  EXPECT_EQ(count_rows(store_config(dir.path()), "events"), 1);
}

TEST(SqliteStore, SameBodyUnderNewIdIsDuplicateOnlyWithDedupeBody) {
  {
    TempDir dir;
    SqliteStore store(store_config(dir.path(), /*dedupe_body=*/true), OpenMode::daemon,
                      FakeClock().fn());
    EXPECT_EQ(record_sync(store, delivery("req-1", "same")), RecordResult::recorded);
    EXPECT_EQ(record_sync(store, delivery("req-2", "same")), RecordResult::duplicate);
    // Refused as a duplicate, req-2 was not "recorded": its id is still free for another body.
    EXPECT_EQ(record_sync(store, delivery("req-2", "other")), RecordResult::recorded);
    EXPECT_EQ(store.counts()["audit"].pending, 2);
  }
  {
    TempDir dir;
    SqliteStore store(store_config(dir.path(), /*dedupe_body=*/false), OpenMode::daemon,
                      FakeClock().fn());
    EXPECT_EQ(record_sync(store, delivery("req-1", "same")), RecordResult::recorded);
    EXPECT_EQ(record_sync(store, delivery("req-2", "same")), RecordResult::recorded);
    EXPECT_EQ(store.counts()["audit"].pending, 2);
  }
}

TEST(SqliteStore, DedupeKeyExpiresAfterTtl) {
  TempDir dir;
  FakeClock clock;
  SqliteStore store(store_config(dir.path(), true, 1000ms), OpenMode::daemon, clock.fn());
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::recorded);
  clock.advance(999);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::duplicate);
  clock.advance(1);  // expires_at == now: no longer present
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::duplicate);
  EXPECT_EQ(store.counts()["audit"].pending, 2);
}

TEST(SqliteStore, DeliveryWithoutHandlersConsumesItsKeyButKeepsNoEvent) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn());
  EXPECT_EQ(record_sync(store, delivery("req-1", "body", {})), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body", {})), RecordResult::duplicate);
  EXPECT_EQ(count_rows(cfg, "events"), 0);
  EXPECT_EQ(count_rows(cfg, "outbox"), 0);
}

TEST(SqliteStore, DuplicatesWithinOneBatchAreDetected) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn());
  std::vector<std::future<RecordResult>> results;
  std::vector<std::shared_ptr<std::promise<RecordResult>>> promises;
  {
    // Held lock: all ten queue up and land in the same transaction.
    WriteLock lock(cfg);
    for (int i = 0; i < 10; ++i) {
      auto p = std::make_shared<std::promise<RecordResult>>();
      results.push_back(p->get_future());
      store.record(delivery("req-" + std::to_string(i % 2), "body-" + std::to_string(i % 2)),
                   [p](RecordResult r) { p->set_value(r); });
    }
  }
  int recorded = 0;
  for (auto& r : results) recorded += r.get() == RecordResult::recorded ? 1 : 0;
  EXPECT_EQ(recorded, 2);
  EXPECT_EQ(store.counts()["audit"].pending, 2);
}

TEST(SqliteStore, PruningRemovesExpiredKeysOnly) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path(), true, 1000ms);
  SqliteStoreOptions options;
  options.prune_chunk = 3;  // several chunks needed
  SqliteStore store(cfg, OpenMode::daemon, clock.fn(), options);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(record_sync(store, delivery("old-" + std::to_string(i), "old-" + std::to_string(i))),
              RecordResult::recorded);
  }
  clock.advance(2000);
  ASSERT_EQ(record_sync(store, delivery("new", "new")), RecordResult::recorded);
  EXPECT_EQ(count_rows(cfg, "dedupe"), 12);  // id + body key per delivery
  EXPECT_EQ(store.prune_expired(), 10u);
  EXPECT_EQ(count_rows(cfg, "dedupe"), 2);
  EXPECT_EQ(record_sync(store, delivery("new", "new")), RecordResult::duplicate);
  // Pruning touches keys, never work.
  EXPECT_EQ(store.counts()["audit"].pending, 6);
}

TEST(SqliteStore, BackgroundPruningRunsInChunks) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path(), false, 1000ms);
  SqliteStoreOptions options;
  options.prune_interval = 20ms;
  options.prune_chunk = 4;
  SqliteStore store(cfg, OpenMode::daemon, clock.fn(), options);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(record_sync(store, delivery("k-" + std::to_string(i), "b")), RecordResult::recorded);
  }
  EXPECT_EQ(count_rows(cfg, "dedupe"), 10);
  clock.advance(1000);
  EXPECT_TRUE(eventually([&] { return count_rows(cfg, "dedupe") == 0; }));
}

TEST(SqliteStore, ToolModeNeverPrunes) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path(), false, 1000ms);
  SqliteStoreOptions options;
  options.prune_interval = 1ms;
  {
    SqliteStore daemon(cfg, OpenMode::daemon, clock.fn());
    ASSERT_EQ(record_sync(daemon, delivery("k", "b")), RecordResult::recorded);
  }
  clock.advance(5000);
  SqliteStore tool(cfg, OpenMode::tool, clock.fn(), options);
  // Give a (wrongly) pruning tool ample chances, then look.
  tool.list_dead(std::nullopt);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(count_rows(cfg, "dedupe"), 1);
}

TEST(SqliteStore, ConcurrentRecordsShareTransactions) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, NowMs(system_now_ms));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 250;
  std::atomic<int> recorded{0};
  std::atomic<int> done{0};
  std::promise<void> all_done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto id = "t" + std::to_string(t) + "-" + std::to_string(i);
        store.record(delivery(id, id), [&](RecordResult r) {
          if (r == RecordResult::recorded) ++recorded;
          if (++done == kThreads * kPerThread) all_done.set_value();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  all_done.get_future().wait();
  EXPECT_EQ(recorded.load(), kThreads * kPerThread);
  EXPECT_LT(store.transactions_committed(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(count_rows(cfg, "outbox"), kThreads * kPerThread);
}

TEST(SqliteStore, QueuedRecordsCommitInOneTransaction) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn());
  const auto before = store.transactions_committed();
  std::atomic<int> recorded{0};
  std::vector<std::future<void>> waits;
  {
    WriteLock lock(cfg);
    for (int i = 0; i < 200; ++i) {
      auto p = std::make_shared<std::promise<void>>();
      waits.push_back(p->get_future());
      store.record(delivery("r" + std::to_string(i), "b" + std::to_string(i)),
                   [&, p](RecordResult r) {
                     if (r == RecordResult::recorded) ++recorded;
                     p->set_value();
                   });
    }
  }
  for (auto& w : waits) w.wait();
  EXPECT_EQ(recorded.load(), 200);
  // The thread may have taken the first op before the rest queued behind the lock: at most 2.
  EXPECT_LE(store.transactions_committed() - before, 2u);
}

TEST(SqliteStore, FullQueueAnswersUnavailableAtOnce) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStoreOptions options;
  options.queue_capacity = 4;
  options.batch_max = 2;
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn(), options);
  std::atomic<int> recorded{0};
  std::atomic<int> finished{0};
  int accepted = 0;
  bool refused_inline = false;
  {
    WriteLock lock(cfg);
    for (int i = 0; i < 100 && !refused_inline; ++i) {
      // -1 until answered; shared because accepted ops are answered long after this iteration.
      auto answer = std::make_shared<std::atomic<int>>(-1);
      store.record(delivery("q" + std::to_string(i), "b" + std::to_string(i)),
                   [&, answer](RecordResult r) {
                     answer->store(static_cast<int>(r));
                     if (r == RecordResult::recorded) ++recorded;
                     ++finished;
                   });
      // The store thread cannot finish anything while the lock is held, so an answer that is
      // already here came inline from record() itself.
      if (answer->load() == static_cast<int>(RecordResult::unavailable)) {
        refused_inline = true;
      } else {
        EXPECT_EQ(answer->load(), -1);
        ++accepted;
      }
    }
    auto stored = std::make_shared<std::atomic<int>>(-1);
    store.quarantine(QuarantineItem{"q", "/e", "bad json", 0, "x"},
                     [stored](bool s) { stored->store(s ? 1 : 0); });
    EXPECT_EQ(stored->load(), 0);
  }
  EXPECT_TRUE(refused_inline);
  // Capacity 4 plus at most one batch (2) already taken by the blocked thread.
  EXPECT_LE(accepted, 6);
  EXPECT_GE(accepted, 4);
  EXPECT_TRUE(eventually([&] { return finished.load() == accepted + 1; }));  // + the refused one
  EXPECT_EQ(recorded.load(), accepted);
  EXPECT_EQ(count_rows(cfg, "outbox"), accepted);
}

TEST(SqliteStore, FailedCommitAnswersUnavailableAndRecovers) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStoreOptions options;
  options.busy_timeout = 50ms;  // the held lock outlasts it: BEGIN IMMEDIATE fails
  options.probe_interval = 10ms;
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn(), options);
  EXPECT_TRUE(store.ready());
  {
    WriteLock lock(cfg);
    EXPECT_EQ(record_sync(store, delivery("a", "a")), RecordResult::unavailable);
    EXPECT_FALSE(store.ready());
    EXPECT_FALSE(quarantine_sync(store, QuarantineItem{"q", "/e", "bad", 0, "x"}));
    EXPECT_TRUE(store.claim("audit", 10, 30s).empty());
  }
  // The probe notices the disk accepts commits again, without any ingest to try.
  EXPECT_TRUE(eventually([&] { return store.ready(); }));
  // The failed record left no trace: the same id records now.
  EXPECT_EQ(record_sync(store, delivery("a", "a")), RecordResult::recorded);
}

TEST(SqliteStore, ShutdownDrainsEverythingQueued) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path());
  std::atomic<int> recorded{0};
  std::atomic<int> callbacks{0};
  {
    SqliteStore store(cfg, OpenMode::daemon, clock.fn());
    auto lock = std::make_unique<WriteLock>(cfg);
    for (int i = 0; i < 50; ++i) {
      store.record(delivery("s" + std::to_string(i), "b" + std::to_string(i)), [&](RecordResult r) {
        if (r == RecordResult::recorded) ++recorded;
        ++callbacks;
      });
    }
    std::thread stopper([&] { store.shutdown(); });
    ASSERT_TRUE(eventually([&] { return !store.ready(); }));
    // Stopped accepting: refused at once, on this thread.
    bool refused = false;
    store.record(delivery("late", "late"),
                 [&](RecordResult r) { refused = r == RecordResult::unavailable; });
    EXPECT_TRUE(refused);
    EXPECT_THROW(store.replay(Selection{true, {}, std::nullopt}), std::runtime_error);
    lock.reset();
    stopper.join();
    EXPECT_EQ(callbacks.load(), 50);
    EXPECT_EQ(recorded.load(), 50);
    store.shutdown();  // idempotent
  }
  SqliteStore reopened(cfg, OpenMode::tool, clock.fn());
  EXPECT_EQ(reopened.counts()["audit"].pending, 50);
  EXPECT_EQ(record_sync(reopened, delivery("s7", "new body")), RecordResult::duplicate);
}

TEST(SqliteStore, QuarantineRoundTripsBinaryBodies) {
  TempDir dir;
  SqliteStore store(store_config(dir.path()), OpenMode::daemon, FakeClock().fn());
  const std::string binary("\x00\xff{\"x\":\x01}\n\xc3\x28", 11);
  ASSERT_TRUE(quarantine_sync(store, QuarantineItem{"d1", "/webhooks/a", "not json", 11, binary}));
  ASSERT_TRUE(quarantine_sync(store, QuarantineItem{"d2", "/webhooks/b", "empty body", 22, ""}));
  const auto entries = store.list_quarantine();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].item.delivery_id, "d1");
  EXPECT_EQ(entries[0].item.endpoint, "/webhooks/a");
  EXPECT_EQ(entries[0].item.reason, "not json");
  EXPECT_EQ(entries[0].item.received_at_ms, 11);
  EXPECT_EQ(entries[0].item.body, binary);
  EXPECT_EQ(entries[1].item.body, "");
  EXPECT_NE(entries[0].id, entries[1].id);
  EXPECT_LT(std::stoll(entries[0].id), std::stoll(entries[1].id));
  // Quarantine is not dedupe: nothing was consumed.
  EXPECT_EQ(record_sync(store, delivery("d1", "{}")), RecordResult::recorded);
}

TEST(SqliteStore, OpenCreatesTheDirectoryAndNamesThePathOnFailure) {
  TempDir dir;
  auto cfg = store_config(dir.path() / "deeper" / "still");
  auto store = open_sqlite_store(cfg, OpenMode::daemon, FakeClock().fn());
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(std::filesystem::exists(cfg.sqlite.path));

  std::ofstream(dir.path() / "a-file") << "x";
  config::StoreConfig bad = cfg;
  bad.sqlite.path = (dir.path() / "a-file" / "store.db").string();
  try {
    open_sqlite_store(bad, OpenMode::daemon, FakeClock().fn());
    FAIL() << "opened a store under a regular file";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(bad.sqlite.path), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SqliteStore, DaemonAndToolCanOpenAFreshFileAtOnce) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  cfg.sqlite.synchronous = config::SqliteSync::full;
  std::unique_ptr<SqliteStore> daemon;
  std::unique_ptr<SqliteStore> tool;
  std::thread a(
      [&] { daemon = std::make_unique<SqliteStore>(cfg, OpenMode::daemon, FakeClock().fn()); });
  std::thread b(
      [&] { tool = std::make_unique<SqliteStore>(cfg, OpenMode::tool, FakeClock().fn()); });
  a.join();
  b.join();
  ASSERT_TRUE(daemon && tool);
  EXPECT_EQ(record_sync(*daemon, delivery("a", "a")), RecordResult::recorded);
  EXPECT_EQ(record_sync(*tool, delivery("a", "a")), RecordResult::duplicate);
  EXPECT_EQ(tool->counts()["audit"].pending, 1);
}

TEST(SqliteStore, RefusesANewerSchema) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  { SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn()); }
  {
    SqliteConnection db(cfg.sqlite.path);
    db.exec("PRAGMA user_version = 99");
  }
  EXPECT_THROW(SqliteStore(cfg, OpenMode::tool, FakeClock().fn()), std::runtime_error);
}

TEST(SqliteStore, WorkListenerHearsAboutCommittedWork) {
  TempDir dir;
  SqliteStore store(store_config(dir.path()), OpenMode::daemon, FakeClock().fn());
  std::atomic<int> calls{0};
  store.set_work_listener([&] { ++calls; });
  ASSERT_EQ(record_sync(store, delivery("a", "a")), RecordResult::recorded);
  EXPECT_TRUE(eventually([&] { return calls.load() == 1; }));
  ASSERT_EQ(record_sync(store, delivery("a", "a")), RecordResult::duplicate);
  ASSERT_EQ(record_sync(store, delivery("b", "b", {})), RecordResult::recorded);
  store.set_work_listener(nullptr);
  ASSERT_EQ(record_sync(store, delivery("c", "c")), RecordResult::recorded);
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace slwd::store::test
