// Delivery side of the SQLite store: claiming, leases, outcomes, dead letters and the operator
// tools, including a tool-mode store beside a daemon-mode one.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sqlite_test_support.hpp"

namespace slwd::store::test {
namespace {

using namespace std::chrono_literals;

TEST(SqliteOutbox, ClaimsOldestFirstWithEventFieldsAndCompletes) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, clock.fn());
  const std::string binary("{\"x\":\"\x00\xff\"}", 11);
  for (int i = 0; i < 3; ++i) {
    auto d =
        delivery("d" + std::to_string(i), i == 0 ? binary : "body" + std::to_string(i), {"a", "b"});
    ASSERT_EQ(record_sync(store, d), RecordResult::recorded);
    clock.advance(10);
  }
  auto first = store.claim("a", 2, 30s);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].delivery_id, "d0");
  EXPECT_EQ(first[1].delivery_id, "d1");
  EXPECT_EQ(first[0].handler, "a");
  EXPECT_EQ(first[0].endpoint, "/webhooks/smartlead");
  EXPECT_EQ(first[0].level, "campaign");
  EXPECT_EQ(first[0].event_type, "EMAIL_REPLY");
  EXPECT_EQ(first[0].received_at_ms, kT0);
  EXPECT_EQ(first[0].body, binary);
  EXPECT_EQ(first[0].attempts, 0);

  auto rest = store.claim("a", 10, 30s);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].delivery_id, "d2");
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());  // all leased
  auto b = store.claim("b", 10, 30s);              // other handler untouched
  ASSERT_EQ(b.size(), 3u);

  store.complete(ids_of(first));
  store.complete(ids_of(rest));
  EXPECT_EQ(store.counts()["a"].pending, 0);
  EXPECT_EQ(store.counts()["b"].pending, 3);
  EXPECT_EQ(count_rows(cfg, "events"), 3);  // b still owes them
  store.complete(ids_of(b));
  EXPECT_EQ(count_rows(cfg, "events"), 0);  // bodies go once nobody owes them
  EXPECT_EQ(count_rows(cfg, "outbox"), 0);
  store.complete({"not-an-id", "12345"});  // unknown ids are ignored
}

TEST(SqliteOutbox, ExpiredLeaseMakesWorkClaimableAgain) {
  TempDir dir;
  FakeClock clock;
  SqliteStore store(store_config(dir.path()), OpenMode::daemon, clock.fn());
  ASSERT_EQ(record_sync(store, delivery("d", "b")), RecordResult::recorded);
  EXPECT_EQ(store.next_due_ms("audit"), kT0);
  auto claimed = store.claim("audit", 10, 1000ms);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(store.claim("audit", 10, 1000ms).empty());
  EXPECT_EQ(store.next_due_ms("audit"), kT0 + 1000);  // the lease end, not the due time
  clock.advance(999);
  EXPECT_TRUE(store.claim("audit", 10, 1000ms).empty());
  clock.advance(1);
  auto again = store.claim("audit", 10, 1000ms);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].id, claimed[0].id);
  EXPECT_EQ(again[0].attempts, 0);  // a lost lease is not an attempt
  EXPECT_EQ(store.next_due_ms("nobody"), std::nullopt);
}

TEST(SqliteOutbox, DaemonOpenResetsLeasesToolOpenDoesNot) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path());
  std::string id;
  {
    SqliteStore daemon(cfg, OpenMode::daemon, clock.fn());
    ASSERT_EQ(record_sync(daemon, delivery("d", "b")), RecordResult::recorded);
    auto claimed = daemon.claim("audit", 10, 1h);
    ASSERT_EQ(claimed.size(), 1u);
    id = claimed[0].id;
  }  // "crash": never completed
  {
    SqliteStore tool(cfg, OpenMode::tool, clock.fn());
    EXPECT_TRUE(tool.claim("audit", 10, 1h).empty());
  }
  SqliteStore daemon(cfg, OpenMode::daemon, clock.fn());
  auto claimed = daemon.claim("audit", 10, 1h);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].id, id);
}

TEST(SqliteOutbox, RescheduleDeadLetterReplayPurge) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, clock.fn());
  std::atomic<int> work_signals{0};
  store.set_work_listener([&] { ++work_signals; });
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(
        record_sync(store, delivery("d" + std::to_string(i), "b" + std::to_string(i), {"a", "b"})),
        RecordResult::recorded);
  }
  auto a = store.claim("a", 10, 30s);
  ASSERT_EQ(a.size(), 3u);
  store.reschedule(a[0].id, kT0 + 5000, "timeout");
  store.dead_letter(a[1].id, "400 bad request");
  clock.advance(7);
  store.dead_letter(a[2].id, "410 gone");
  auto b = store.claim("b", 1, 30s);
  ASSERT_EQ(b.size(), 1u);
  store.dead_letter(b[0].id, "token rejected");

  auto counts = store.counts();
  EXPECT_EQ(counts["a"].pending, 1);
  EXPECT_EQ(counts["a"].dead, 2);
  EXPECT_EQ(counts["b"].pending, 2);
  EXPECT_EQ(counts["b"].dead, 1);

  // Rescheduled: not before its due time, then with the attempt counted.
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());
  EXPECT_EQ(store.next_due_ms("a"), kT0 + 5000);
  clock.advance(5000);
  auto retried = store.claim("a", 10, 30s);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].id, a[0].id);
  EXPECT_EQ(retried[0].attempts, 1);

  auto dead = store.list_dead(std::nullopt);
  ASSERT_EQ(dead.size(), 3u);
  auto dead_a = store.list_dead(std::string("a"));
  ASSERT_EQ(dead_a.size(), 2u);
  EXPECT_EQ(dead_a[0].id, a[1].id);  // oldest death first
  EXPECT_EQ(dead_a[0].delivery_id, "d2");
  EXPECT_EQ(dead_a[0].handler, "a");
  EXPECT_EQ(dead_a[0].event_type, "EMAIL_REPLY");
  EXPECT_EQ(dead_a[0].attempts, 1);
  EXPECT_EQ(dead_a[0].last_error, "400 bad request");
  EXPECT_EQ(dead_a[0].dead_at_ms, kT0);
  EXPECT_EQ(dead_a[1].dead_at_ms, kT0 + 7);
  // An outcome for an entry that is already dead changes nothing.
  store.reschedule(a[1].id, kT0, "late");
  EXPECT_EQ(store.list_dead(std::string("a"))[0].last_error, "400 bad request");

  // Replay by id, restricted to a handler that does not own it: nothing.
  const int signals_before = work_signals.load();
  EXPECT_EQ(store.replay(Selection{false, {a[1].id}, std::string("b")}), 0u);
  EXPECT_EQ(store.replay(Selection{false, {a[1].id, "bogus", "999999"}, std::nullopt}), 1u);
  EXPECT_TRUE(eventually([&] { return work_signals.load() > signals_before; }));
  EXPECT_EQ(store.list_dead(std::string("a")).size(), 1u);
  auto replayed = store.claim("a", 10, 30s);
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0].id, a[1].id);
  EXPECT_EQ(replayed[0].attempts, 0);  // attempts reset

  EXPECT_EQ(store.replay(Selection{true, {}, std::string("b")}), 1u);
  EXPECT_EQ(store.list_dead(std::string("b")).size(), 0u);
  EXPECT_EQ(store.counts()["b"].pending, 3);

  // Purge: by id, then all; the event of d3 stays while handler b still owes it.
  EXPECT_EQ(store.purge(Selection{false, {a[2].id}, std::string("b")}), 0u);
  EXPECT_EQ(store.purge(Selection{false, {a[2].id}, std::nullopt}), 1u);
  EXPECT_EQ(store.purge(Selection{true, {}, std::nullopt}), 0u);
  EXPECT_TRUE(store.list_dead(std::nullopt).empty());
  EXPECT_EQ(count_rows(cfg, "events"), 3);
  auto b_rest = store.claim("b", 10, 30s);
  ASSERT_EQ(b_rest.size(), 3u);
  store.complete(ids_of(b_rest));
  store.complete(ids_of(replayed));
  store.complete(ids_of(retried));
  EXPECT_EQ(count_rows(cfg, "events"), 0);
}

TEST(SqliteOutbox, PurgeDeletesTheEventWhenNothingElseOwesIt) {
  TempDir dir;
  auto cfg = store_config(dir.path());
  SqliteStore store(cfg, OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(store, delivery("d", "b")), RecordResult::recorded);
  auto items = store.claim("audit", 1, 30s);
  ASSERT_EQ(items.size(), 1u);
  store.dead_letter(items[0].id, "nope");
  EXPECT_EQ(store.purge(Selection{true, {}, std::string("audit")}), 1u);
  EXPECT_EQ(count_rows(cfg, "events"), 0);
  EXPECT_EQ(count_rows(cfg, "outbox"), 0);
}

TEST(SqliteOutbox, ToolStoreWorksBesideARunningDaemon) {
  TempDir dir;
  FakeClock clock;
  auto cfg = store_config(dir.path());
  SqliteStore daemon(cfg, OpenMode::daemon, clock.fn());
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(record_sync(daemon, delivery("dead" + std::to_string(i), "x" + std::to_string(i))),
              RecordResult::recorded);
  }
  for (const auto& item : daemon.claim("audit", 10, 30s)) daemon.dead_letter(item.id, "boom");

  // The daemon keeps ingesting and delivering while the tool reads and writes.
  std::atomic<bool> stop{false};
  std::atomic<int> ingested{0};
  std::thread traffic([&] {
    for (int i = 0; !stop.load(); ++i) {
      const auto id = "live" + std::to_string(i);
      if (record_sync(daemon, delivery(id, id, {"other"})) == RecordResult::recorded) ++ingested;
      auto items = daemon.claim("other", 4, 30s);
      daemon.complete(ids_of(items));
    }
  });

  // Only open the tool once traffic is really flowing, so the two overlap.
  ASSERT_TRUE(eventually([&] { return ingested.load() >= 3; }));
  {
    SqliteStore tool(cfg, OpenMode::tool, clock.fn());
    for (int round = 0; round < 20; ++round) {
      const auto dead = tool.list_dead(std::string("audit"));
      ASSERT_EQ(dead.size(), 5u);
      EXPECT_EQ(dead[0].last_error, "boom");
    }
    Selection two{false, {}, std::nullopt};
    const auto dead = tool.list_dead(std::nullopt);
    two.ids = {dead[0].id, dead[1].id};
    EXPECT_EQ(tool.replay(two), 2u);
    EXPECT_EQ(tool.purge(Selection{false, {dead[4].id}, std::nullopt}), 1u);
    // And the daemon still ingests while the tool is open.
    const int seen = ingested.load();
    EXPECT_TRUE(eventually([&] { return ingested.load() > seen + 3; }));
  }
  stop = true;
  traffic.join();

  // The daemon sees the tool's committed replay on its next claim.
  auto replayed = daemon.claim("audit", 10, 30s);
  EXPECT_EQ(replayed.size(), 2u);
  EXPECT_EQ(daemon.list_dead(std::nullopt).size(), 2u);
}

TEST(SqliteOutbox, BlockingCallFromAStoreCallbackIsRefused) {
  TempDir dir;
  SqliteStore store(store_config(dir.path()), OpenMode::daemon, FakeClock().fn());
  std::promise<bool> threw;
  store.record(delivery("d", "b"), [&](RecordResult) {
    try {
      store.claim("audit", 1, 30s);
      threw.set_value(false);
    } catch (const std::logic_error&) {
      threw.set_value(true);
    }
  });
  EXPECT_TRUE(threw.get_future().get());
}

}  // namespace
}  // namespace slwd::store::test
