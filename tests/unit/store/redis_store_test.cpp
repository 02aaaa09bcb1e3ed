// RedisStore against a real redis-server (tests/support/redis_server): the SQLite store's
// behaviour where it applies, plus what only a shared store has — several replicas on one Redis,
// takeover of a dead replica's work after its lease, lease renewal, a hung or flushed Redis,
// trimming, and the start-up safety check. Every wait is bounded; timing margins are generous.
#include "slwd/store/redis_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "slwd/store/redis/client.hpp"
#include "redis_raw.hpp"
#include "sqlite_test_support.hpp"  // FakeClock, delivery(), record_sync(), eventually()
#include "support/redis_server.hpp"

namespace slwd::store::test {
namespace {

using namespace std::chrono_literals;
using slwd::test::RedisServer;
using SteadyClock = std::chrono::steady_clock;

config::StoreConfig redis_config(const RedisServer& server, std::chrono::milliseconds lease = 1s,
                                 std::chrono::milliseconds ttl = 24h, bool dedupe_body = true) {
  return redis_store_config(server.url(), lease, ttl, dedupe_body);
}

std::vector<std::string> delivery_ids(const std::vector<WorkItem>& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.delivery_id);
  return ids;
}

// Claims until nothing more comes (new entries are visible at once; no waiting involved).
std::vector<WorkItem> claim_all(Store& store, const std::string& handler) {
  std::vector<WorkItem> out;
  for (;;) {
    auto items = store.claim(handler, 16, 30s);
    if (items.empty()) return out;
    out.insert(out.end(), items.begin(), items.end());
  }
}

// ---- ingest ------------------------------------------------------------------------------------

TEST(RedisStore, RecordsThenRefusesTheSameDeliveryId) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  EXPECT_TRUE(store.ready());
  EXPECT_EQ(record_sync(store, delivery("req-1", "{\"a\":1}")), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "{\"a\":2}")), RecordResult::duplicate);
  EXPECT_EQ(store.counts()["audit"].pending, 1);
  // The duplicate wrote nothing: one stream entry.
  EXPECT_EQ(raw.integer({"XLEN", "t:events"}), 1);
  EXPECT_EQ(raw.integer({"EXISTS", "t:dedupe:id:req-1"}), 1);
}

TEST(RedisStore, SameBodyUnderNewIdIsDuplicateOnlyWithDedupeBody) {
  RedisServer server;
  {
    RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
    EXPECT_EQ(record_sync(store, delivery("req-1", "same")), RecordResult::recorded);
    EXPECT_EQ(record_sync(store, delivery("req-2", "same")), RecordResult::duplicate);
    // Refused as a duplicate, req-2 consumed nothing: its id is still free for another body.
    EXPECT_EQ(record_sync(store, delivery("req-2", "other")), RecordResult::recorded);
    EXPECT_EQ(store.counts()["audit"].pending, 2);
  }
  Raw{server}({"FLUSHALL"});
  {
    RedisStore store(redis_config(server, 1s, 24h, /*dedupe_body=*/false), OpenMode::daemon,
                     FakeClock().fn());
    EXPECT_EQ(record_sync(store, delivery("req-1", "same")), RecordResult::recorded);
    EXPECT_EQ(record_sync(store, delivery("req-2", "same")), RecordResult::recorded);
    EXPECT_EQ(store.counts()["audit"].pending, 2);
  }
}

TEST(RedisStore, DedupeKeyExpiresAfterTtl) {
  RedisServer server;
  // Redis expires the keys on its own clock: a real, short TTL.
  RedisStore store(redis_config(server, 1s, 1000ms), OpenMode::daemon, FakeClock().fn());
  const auto recorded_at = SteadyClock::now();
  ASSERT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::duplicate);
  ASSERT_TRUE(eventually(
      [&] { return record_sync(store, delivery("req-1", "body")) == RecordResult::recorded; }, 5s));
  EXPECT_GE(SteadyClock::now() - recorded_at, 900ms);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body")), RecordResult::duplicate);
  EXPECT_EQ(store.counts()["audit"].pending, 2);
}

TEST(RedisStore, DeliveryWithoutHandlersConsumesItsKeyButKeepsNoEvent) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  EXPECT_EQ(record_sync(store, delivery("req-1", "body", {})), RecordResult::recorded);
  EXPECT_EQ(record_sync(store, delivery("req-1", "body", {})), RecordResult::duplicate);
  EXPECT_EQ(raw.integer({"EXISTS", "t:events"}), 0);
}

TEST(RedisStore, ConcurrentRecordsOfOverlappingIdsRecordEachIdOnce) {
  RedisServer server;
  Raw raw(server);
  // Two replicas, eight threads, every id sent four times over.
  RedisStore a(redis_config(server), OpenMode::daemon, NowMs(system_now_ms));
  RedisStore b(redis_config(server), OpenMode::daemon, NowMs(system_now_ms));
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  constexpr int kIds = kThreads * kPerThread / 4;
  std::mutex mutex;
  std::map<std::string, int> recorded;
  std::atomic<int> done{0};
  std::atomic<int> unavailable{0};
  std::promise<void> all_done;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = t % 2 == 0 ? static_cast<Store&>(a) : static_cast<Store&>(b);
      for (int i = 0; i < kPerThread; ++i) {
        const auto id = "id-" + std::to_string((i + t * 50) % kIds);
        store.record(delivery(id, "body-" + id), [&, id](RecordResult r) {
          if (r == RecordResult::recorded) {
            std::lock_guard lock(mutex);
            ++recorded[id];
          }
          if (r == RecordResult::unavailable) ++unavailable;
          if (++done == kThreads * kPerThread) all_done.set_value();
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(all_done.get_future().wait_for(30s), std::future_status::ready);
  EXPECT_EQ(unavailable.load(), 0);
  EXPECT_EQ(static_cast<int>(recorded.size()), kIds);
  for (const auto& [id, times] : recorded) EXPECT_EQ(times, 1) << id;
  EXPECT_EQ(raw.integer({"XLEN", "t:events"}), kIds);
}

TEST(RedisStore, QuarantineRoundTripsBinaryBodies) {
  RedisServer server;
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
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
  // Quarantine is not dedupe: nothing was consumed.
  EXPECT_EQ(record_sync(store, delivery("d1", "{}")), RecordResult::recorded);
}

TEST(RedisStore, WorkListenerHearsAboutRecordedWork) {
  RedisServer server;
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  std::atomic<int> calls{0};
  store.set_work_listener([&] { ++calls; });
  ASSERT_EQ(record_sync(store, delivery("a", "a")), RecordResult::recorded);
  EXPECT_TRUE(eventually([&] { return calls.load() >= 1; }));
  const int after_first = calls.load();
  ASSERT_EQ(record_sync(store, delivery("a", "a")), RecordResult::duplicate);
  ASSERT_EQ(record_sync(store, delivery("b", "b", {})), RecordResult::recorded);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(calls.load(), after_first);  // neither added work
  store.set_work_listener(nullptr);
}

TEST(RedisStore, ShutdownAnswersEverythingAndRefusesAfter) {
  RedisServer server;
  std::atomic<int> recorded{0};
  std::atomic<int> callbacks{0};
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  for (int i = 0; i < 200; ++i) {
    store.record(delivery("s" + std::to_string(i), "b" + std::to_string(i)), [&](RecordResult r) {
      if (r == RecordResult::recorded) ++recorded;
      ++callbacks;
    });
  }
  store.shutdown();
  EXPECT_EQ(callbacks.load(), 200);  // every callback ran before shutdown() returned
  EXPECT_EQ(recorded.load(), 200);
  EXPECT_FALSE(store.ready());
  bool refused = false;
  store.record(delivery("late", "late"),
               [&](RecordResult r) { refused = r == RecordResult::unavailable; });
  EXPECT_TRUE(refused);  // at once, on this thread
  EXPECT_THROW(store.replay(Selection{true, {}, std::nullopt}), std::runtime_error);
  store.shutdown();  // idempotent

  RedisStore reopened(redis_config(server), OpenMode::tool, FakeClock().fn());
  EXPECT_EQ(reopened.counts()["audit"].pending, 200);
  EXPECT_EQ(record_sync(reopened, delivery("s7", "new body")), RecordResult::duplicate);
}

// ---- delivery ----------------------------------------------------------------------------------

TEST(RedisStore, ClaimsOldestFirstWithEventFieldsAndCompletes) {
  RedisServer server;
  Raw raw(server);
  FakeClock clock;
  RedisStore store(redis_config(server), OpenMode::daemon, clock.fn());
  const std::string binary("{\"x\":\"\x00\xff\"}", 11);
  for (int i = 0; i < 3; ++i) {
    auto d =
        delivery("d" + std::to_string(i), i == 0 ? binary : "body" + std::to_string(i), {"a", "b"});
    ASSERT_EQ(record_sync(store, d), RecordResult::recorded);
  }
  ASSERT_EQ(record_sync(store, delivery("only-b", "x", {"b"})), RecordResult::recorded);
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
  ASSERT_EQ(rest.size(), 1u);  // "only-b" is not a's: skipped
  EXPECT_EQ(rest[0].delivery_id, "d2");
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());  // all leased
  auto b = store.claim("b", 10, 30s);              // other handler untouched
  ASSERT_EQ(b.size(), 4u);

  store.complete(ids_of(first));
  store.complete(ids_of(rest));
  EXPECT_EQ(store.counts()["a"].pending, 0);
  EXPECT_EQ(store.counts()["b"].pending, 4);
  store.complete(ids_of(b));
  EXPECT_EQ(store.counts()["b"].pending, 0);
  EXPECT_EQ(raw({"XPENDING", "t:events", "a"}).elements[0].integer, 0);
  store.complete({"not-an-id", "s:a:1-1", "r:a:99-0"});  // unknown ids are ignored
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());
}

// Redis 7.0 forgets a group's entries-read across an AOF reload and re-estimates its lag,
// sometimes wrongly and for good (redis/redis#12898): after kill -9 of Redis the pending gauge
// stayed above zero with everything delivered (bench/chaos.sh). XGROUP SETID ... ENTRIESREAD
// plants the same wrong lag; a group that has read to the stream's end has nothing unread.
TEST(RedisStore, PendingIgnoresAWrongLagOnceTheGroupHasReadEverything) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(record_sync(store, delivery("d" + std::to_string(i), "b" + std::to_string(i))),
              RecordResult::recorded);
  }
  store.complete(ids_of(claim_all(store, "audit")));
  ASSERT_EQ(store.counts()["audit"].pending, 0);
  ASSERT_EQ(raw({"XGROUP", "SETID", "t:events", "audit", "$", "ENTRIESREAD", "0"}).str, "OK");
  EXPECT_EQ(store.counts()["audit"].pending, 0);
  // Unread entries still count (by Redis's estimate while the group is behind) until delivered.
  ASSERT_EQ(record_sync(store, delivery("d4", "b4")), RecordResult::recorded);
  EXPECT_GE(store.counts()["audit"].pending, 1);
  store.complete(ids_of(claim_all(store, "audit")));
  EXPECT_EQ(store.counts()["audit"].pending, 0);
}

TEST(RedisStore, RescheduleDeadLetterReplayPurge) {
  RedisServer server;
  FakeClock clock;
  RedisStore store(redis_config(server), OpenMode::daemon, clock.fn());
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
  EXPECT_EQ(store.next_due_ms("nobody"), std::nullopt);
  clock.advance(5000);
  auto retried = store.claim("a", 10, 30s);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].delivery_id, "d1");
  EXPECT_EQ(retried[0].body, "b1");
  EXPECT_EQ(retried[0].attempts, 1);
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());  // leased again
  // A second failure counts again; the event survives its stream entry being acknowledged.
  store.reschedule(retried[0].id, clock.now(), "timeout again");
  auto third = store.claim("a", 10, 30s);
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].attempts, 2);
  EXPECT_EQ(third[0].endpoint, "/webhooks/smartlead");

  auto dead = store.list_dead(std::nullopt);
  ASSERT_EQ(dead.size(), 3u);
  auto dead_a = store.list_dead(std::string("a"));
  ASSERT_EQ(dead_a.size(), 2u);
  EXPECT_EQ(dead_a[0].delivery_id, "d2");  // oldest death first
  EXPECT_EQ(dead_a[0].handler, "a");
  EXPECT_EQ(dead_a[0].event_type, "EMAIL_REPLY");
  EXPECT_EQ(dead_a[0].attempts, 1);
  EXPECT_EQ(dead_a[0].last_error, "400 bad request");
  EXPECT_EQ(dead_a[0].dead_at_ms, kT0);
  EXPECT_EQ(dead_a[1].dead_at_ms, kT0 + 7);
  // An outcome for an entry that is already dead changes nothing.
  store.reschedule(a[1].id, kT0, "late");
  store.dead_letter(a[1].id, "late");
  EXPECT_EQ(store.list_dead(std::string("a")).size(), 2u);
  EXPECT_EQ(store.list_dead(std::string("a"))[0].last_error, "400 bad request");

  // Dead after retries: attempts carried over.
  store.dead_letter(third[0].id, "gave up");
  dead_a = store.list_dead(std::string("a"));
  ASSERT_EQ(dead_a.size(), 3u);
  EXPECT_EQ(dead_a[2].delivery_id, "d1");
  EXPECT_EQ(dead_a[2].attempts, 3);
  EXPECT_EQ(store.counts()["a"].pending, 0);
  EXPECT_EQ(store.counts()["a"].dead, 3);

  // Replay by id, restricted to a handler that does not own it: nothing.
  const int signals_before = work_signals.load();
  EXPECT_EQ(store.replay(Selection{false, {dead_a[0].id}, std::string("b")}), 0u);
  EXPECT_EQ(store.replay(Selection{false, {dead_a[0].id, "bogus", "999999-0"}, std::nullopt}), 1u);
  EXPECT_TRUE(eventually([&] { return work_signals.load() > signals_before; }));
  EXPECT_EQ(store.list_dead(std::string("a")).size(), 2u);
  auto replayed = store.claim("a", 10, 30s);
  ASSERT_EQ(replayed.size(), 1u);
  EXPECT_EQ(replayed[0].delivery_id, "d2");
  EXPECT_EQ(replayed[0].body, "b2");
  EXPECT_EQ(replayed[0].attempts, 0);  // attempts reset
  store.complete(ids_of(replayed));

  EXPECT_EQ(store.replay(Selection{true, {}, std::string("b")}), 1u);
  EXPECT_EQ(store.list_dead(std::string("b")).size(), 0u);
  EXPECT_EQ(store.counts()["b"].pending, 3);
  EXPECT_EQ(store.counts()["b"].dead, 0);

  // Purge: by id (restricted to the wrong handler: nothing), then all.
  const auto still_dead = store.list_dead(std::string("a"));
  ASSERT_EQ(still_dead.size(), 2u);
  EXPECT_EQ(store.purge(Selection{false, {still_dead[0].id}, std::string("b")}), 0u);
  EXPECT_EQ(store.purge(Selection{false, {still_dead[0].id}, std::nullopt}), 1u);
  EXPECT_EQ(store.purge(Selection{true, {}, std::nullopt}), 1u);
  EXPECT_TRUE(store.list_dead(std::nullopt).empty());
  EXPECT_EQ(store.counts()["a"].dead, 0);
  auto b_rest = claim_all(store, "b");
  EXPECT_EQ(b_rest.size(), 3u);
  store.complete(ids_of(b_rest));
  EXPECT_EQ(store.counts()["b"].pending, 0);
}

TEST(RedisStore, TwoReplicasClaimEachEntryExactlyOnce) {
  RedisServer server;
  RedisStore a(redis_config(server, 30s), OpenMode::daemon, NowMs(system_now_ms));
  RedisStore b(redis_config(server, 30s), OpenMode::daemon, NowMs(system_now_ms));
  constexpr int kEvents = 600;
  for (int i = 0; i < kEvents; ++i) {
    const auto id = "e" + std::to_string(i);
    ASSERT_EQ(record_sync(i % 2 ? a : b, delivery(id, id, {"h"})), RecordResult::recorded);
  }
  std::vector<std::string> got_a;
  std::vector<std::string> got_b;
  auto drain = [](Store& store, std::vector<std::string>& got) {
    for (;;) {
      auto items = store.claim("h", 7, 30s);
      if (items.empty()) return;
      for (const auto& item : items) got.push_back(item.delivery_id);
      store.complete(ids_of(items));
    }
  };
  std::thread ta([&] { drain(a, got_a); });
  std::thread tb([&] { drain(b, got_b); });
  ta.join();
  tb.join();
  std::set<std::string> all(got_a.begin(), got_a.end());
  all.insert(got_b.begin(), got_b.end());
  EXPECT_EQ(got_a.size() + got_b.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kEvents));
  EXPECT_EQ(a.counts()["h"].pending, 0);
}

TEST(RedisStore, DeadReplicasWorkIsTakenOverAfterItsLease) {
  RedisServer server;
  const auto cfg = redis_config(server, 1s);
  RedisStore survivor(cfg, OpenMode::daemon, NowMs(system_now_ms));
  std::vector<std::string> claimed;
  {
    RedisStore doomed(cfg, OpenMode::daemon, NowMs(system_now_ms));
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(record_sync(doomed, delivery("x" + std::to_string(i), "b" + std::to_string(i))),
                RecordResult::recorded);
    }
    // One of them as a retry, so both kinds of lease are taken over.
    auto first = doomed.claim("audit", 1, 1s);
    ASSERT_EQ(first.size(), 1u);
    doomed.reschedule(first[0].id, system_now_ms(), "timeout");
    auto items = doomed.claim("audit", 10, 1s);
    ASSERT_EQ(items.size(), 3u);
    claimed = delivery_ids(items);
  }  // dies without completing anything (and without renewing from now on)
  const auto died = SteadyClock::now();
  EXPECT_TRUE(survivor.claim("audit", 10, 1s).empty());
  std::vector<WorkItem> taken;
  ASSERT_TRUE(eventually(
      [&] {
        auto items = survivor.claim("audit", 10, 1s);
        taken.insert(taken.end(), items.begin(), items.end());
        return taken.size() >= 3;
      },
      10s));
  EXPECT_GE(SteadyClock::now() - died, 700ms);  // not before the lease ran out
  auto ids = delivery_ids(taken);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>(claimed.begin(), claimed.end()));
  for (const auto& item : taken) {
    EXPECT_EQ(item.attempts, item.delivery_id == "x0" ? 1 : 0) << item.delivery_id;
  }
  survivor.complete(ids_of(taken));
  EXPECT_EQ(survivor.counts()["audit"].pending, 0);
}

TEST(RedisStore, TakeoverReachesIdleEntriesBehindManyLiveOnes) {
  RedisServer server;
  const auto cfg = redis_config(server, 1s);
  RedisStore live(cfg, OpenMode::daemon, NowMs(system_now_ms));
  RedisStore survivor(cfg, OpenMode::daemon, NowMs(system_now_ms));
  for (int i = 0; i < 60; ++i) {
    const auto id = "p" + std::to_string(i);
    ASSERT_EQ(record_sync(live, delivery(id, id)), RecordResult::recorded);
  }
  // The oldest 50 stay leased by a live replica (renewed); the newest 10 belong to a dead one.
  ASSERT_EQ(live.claim("audit", 50, 1s).size(), 50u);
  {
    RedisStore doomed(cfg, OpenMode::daemon, NowMs(system_now_ms));
    ASSERT_EQ(doomed.claim("audit", 10, 1s).size(), 10u);
  }
  // One at a time, XAUTOCLAIM looks at ten pending entries per call: from the start each time,
  // it would never get past the live ones.
  std::set<std::string> taken;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& item : survivor.claim("audit", 1, 1s)) taken.insert(item.delivery_id);
        return taken.size() >= 10;
      },
      15s));
  for (int i = 50; i < 60; ++i) EXPECT_TRUE(taken.count("p" + std::to_string(i))) << i;
  EXPECT_EQ(taken.size(), 10u);  // nothing of the live replica's
}

TEST(RedisStore, RenewedLeaseKeepsASlowAttemptFromBeingTakenOver) {
  RedisServer server;
  const auto cfg = redis_config(server, 1s);
  RedisStore slow(cfg, OpenMode::daemon, NowMs(system_now_ms));
  RedisStore other(cfg, OpenMode::daemon, NowMs(system_now_ms));
  ASSERT_EQ(record_sync(slow, delivery("s1", "b1")), RecordResult::recorded);
  ASSERT_EQ(record_sync(slow, delivery("s2", "b2")), RecordResult::recorded);
  auto first = slow.claim("audit", 1, 1s);
  ASSERT_EQ(first.size(), 1u);
  slow.reschedule(first[0].id, system_now_ms(), "timeout");
  auto held = slow.claim("audit", 10, 1s);  // a retry and a stream entry
  ASSERT_EQ(held.size(), 2u);
  // Three leases long, the other replica keeps finding nothing.
  const auto until = SteadyClock::now() + 3s;
  while (SteadyClock::now() < until) {
    auto stolen = other.claim("audit", 10, 1s);
    EXPECT_TRUE(stolen.empty()) << "taken over: " << stolen.size();
    if (!stolen.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(slow.leases_renewed(), 0u);
  slow.complete(ids_of(held));
  EXPECT_TRUE(other.claim("audit", 10, 1s).empty());
  EXPECT_EQ(other.counts()["audit"].pending, 0);
}

// ---- Redis failing -----------------------------------------------------------------------------

TEST(RedisStore, HungRedisAnswersUnavailableInTimeAndRecovers) {
  RedisServer server;
  auto cfg = redis_config(server);
  cfg.redis.command_timeout = 300ms;
  RedisStore store(cfg, OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(store, delivery("before", "before")), RecordResult::recorded);
  ASSERT_TRUE(store.ready());

  server.pause();
  const auto started = SteadyClock::now();
  EXPECT_EQ(record_sync(store, delivery("during", "during")), RecordResult::unavailable);
  EXPECT_LT(SteadyClock::now() - started, 300ms + 1500ms);
  EXPECT_FALSE(store.ready());
  EXPECT_TRUE(store.claim("audit", 10, 1s).empty());  // empty, not an exception
  EXPECT_EQ(store.next_due_ms("audit"), std::nullopt);
  store.complete({"s:audit:1-0"});  // an outcome that cannot be sent is dropped, not thrown
  EXPECT_TRUE(store.counts().empty());

  server.resume();
  // Recovery without restart and without traffic: the store's probe sees Redis answer.
  EXPECT_TRUE(eventually([&] { return store.ready(); }, 15s));
  // The timed-out script may still have run once Redis woke up (it was in the socket): then
  // SmartLead's retry is a duplicate. Either way the event is there exactly once.
  const auto again = record_sync(store, delivery("during", "during"));
  EXPECT_TRUE(again == RecordResult::recorded || again == RecordResult::duplicate);
  EXPECT_EQ(delivery_ids(claim_all(store, "audit")),
            (std::vector<std::string>{"before", "during"}));
}

TEST(RedisStore, RestartedRedisReloadsScriptsAndKeepsTheData) {
  RedisServer server;  // AOF on: the data survives the restart, the script cache does not
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(store, delivery("r1", "r1")), RecordResult::recorded);
  server.restart();
  // Refused while the client reconnects; then NOSCRIPT, answered by sending the script again.
  ASSERT_TRUE(eventually(
      [&] { return record_sync(store, delivery("r2", "r2")) != RecordResult::unavailable; }, 15s));
  EXPECT_EQ(record_sync(store, delivery("r1", "r1")), RecordResult::duplicate);
  auto items = claim_all(store, "audit");
  EXPECT_EQ(delivery_ids(items), (std::vector<std::string>{"r1", "r2"}));
}

TEST(RedisStore, FlushAllMidRunRecreatesGroupsAndCarriesOn) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(store, delivery("f1", "f1", {"a", "b"})), RecordResult::recorded);
  auto before = store.claim("a", 10, 30s);
  ASSERT_EQ(before.size(), 1u);
  raw({"FLUSHALL"});
  // Outcomes for work that vanished are harmless.
  store.reschedule(before[0].id, kT0, "timeout");
  store.complete(ids_of(before));
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());  // recreates a's group (and the stream)
  ASSERT_EQ(record_sync(store, delivery("f2", "f2", {"a", "b"})), RecordResult::recorded);
  auto a = store.claim("a", 10, 30s);
  auto b = store.claim("b", 10, 30s);
  EXPECT_EQ(delivery_ids(a), std::vector<std::string>{"f2"});
  EXPECT_EQ(delivery_ids(b), std::vector<std::string>{"f2"});
  store.complete(ids_of(a));
  store.complete(ids_of(b));
  EXPECT_EQ(store.counts()["a"].pending, 0);
  // And without the claim first: the record script recreates the groups itself.
  raw({"FLUSHALL"});
  ASSERT_EQ(record_sync(store, delivery("f3", "f3", {"a"})), RecordResult::recorded);
  EXPECT_EQ(delivery_ids(store.claim("a", 10, 30s)), std::vector<std::string>{"f3"});
}

TEST(RedisStore, ClaimRecreatesAGroupThatWasDestroyed) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(redis_config(server), OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(store, delivery("g1", "g1", {"a"})), RecordResult::recorded);
  ASSERT_EQ(raw.integer({"XGROUP", "DESTROY", "t:events", "a"}), 1);
  // The group comes back reading from the start: nothing recorded for `a` is skipped.
  EXPECT_EQ(delivery_ids(store.claim("a", 10, 30s)), std::vector<std::string>{"g1"});
}

// ---- trimming ----------------------------------------------------------------------------------

TEST(RedisStore, TrimmingNeverRemovesWhatAGroupHasNotAcknowledged) {
  // Small stream nodes, so approximate trimming has whole nodes to drop.
  RedisServer server({"--stream-node-max-entries", "4"});
  Raw raw(server);
  RedisStore store(redis_config(server, 30s), OpenMode::daemon, FakeClock().fn());
  constexpr int kEvents = 40;
  for (int i = 0; i < kEvents; ++i) {
    const auto id = "t" + std::to_string(i);
    ASSERT_EQ(record_sync(store, delivery(id, id, {"fast", "slow"})), RecordResult::recorded);
  }
  // fast finishes everything; slow has read nothing yet: nothing may go.
  store.complete(ids_of(claim_all(store, "fast")));
  EXPECT_EQ(store.trim_now(), 0u);
  EXPECT_EQ(raw.integer({"XLEN", "t:events"}), kEvents);

  // slow reads 20, finishes the first 10 (#10..#19 stay pending): at most the first 10 may go.
  std::vector<WorkItem> slow;
  while (slow.size() < 20) {
    auto items = store.claim("slow", 20 - slow.size(), 30s);
    ASSERT_FALSE(items.empty());
    slow.insert(slow.end(), items.begin(), items.end());
  }
  store.complete(ids_of(std::vector<WorkItem>(slow.begin(), slow.begin() + 10)));
  const auto removed = store.trim_now();
  EXPECT_GT(removed, 0u);
  EXPECT_LE(removed, 10u);
  EXPECT_EQ(raw.integer({"XLEN", "t:events"}), kEvents - static_cast<long long>(removed));

  // Everything slow still owes is intact: the pending ones can be rescheduled (they need their
  // entry) and the unread ones claimed.
  for (std::size_t i = 10; i < 20; ++i) store.reschedule(slow[i].id, kT0, "retry");
  auto rest = claim_all(store, "slow");
  std::set<std::string> owed;
  for (const auto& item : rest) owed.insert(item.delivery_id);
  EXPECT_EQ(owed.size(), 30u);
  for (int i = 10; i < kEvents; ++i) EXPECT_TRUE(owed.count("t" + std::to_string(i))) << i;
  store.complete(ids_of(rest));
  store.trim_now();
  EXPECT_LT(raw.integer({"XLEN", "t:events"}), 8);  // at most the last node's worth remains
}

TEST(RedisStore, DaemonTrimsInTheBackgroundToolNever) {
  RedisServer server({"--stream-node-max-entries", "4"});
  Raw raw(server);
  RedisStoreOptions options;
  options.trim_interval = 20ms;
  {
    RedisStore tool(redis_config(server), OpenMode::tool, FakeClock().fn(), options);
    RedisStore daemon(redis_config(server), OpenMode::daemon, FakeClock().fn());  // default: 10 s
    for (int i = 0; i < 20; ++i) {
      const auto id = "b" + std::to_string(i);
      ASSERT_EQ(record_sync(daemon, delivery(id, id)), RecordResult::recorded);
    }
    daemon.complete(ids_of(claim_all(daemon, "audit")));
    std::this_thread::sleep_for(200ms);  // ample chances for a (wrongly) trimming tool
    EXPECT_EQ(raw.integer({"XLEN", "t:events"}), 20);
  }
  RedisStore daemon(redis_config(server), OpenMode::daemon, FakeClock().fn(), options);
  EXPECT_TRUE(eventually([&] { return raw.integer({"XLEN", "t:events"}) < 8; }));
}

TEST(RedisStore, GroupOfAHandlerThatIsNotClaimingHoldsItsEntries) {
  // A handler removed by a reload keeps its work until it returns (SPEC §8).
  RedisServer server({"--stream-node-max-entries", "2"});
  Raw raw(server);
  RedisStore store(redis_config(server, 30s), OpenMode::daemon, FakeClock().fn());
  for (int i = 0; i < 10; ++i) {
    const auto id = "g" + std::to_string(i);
    ASSERT_EQ(record_sync(store, delivery(id, id, {"live", "gone"})), RecordResult::recorded);
  }
  store.complete(ids_of(claim_all(store, "live")));
  EXPECT_EQ(store.trim_now(), 0u);
  EXPECT_EQ(claim_all(store, "gone").size(), 10u);
}

// ---- tool mode and the start-up checks ---------------------------------------------------------

TEST(RedisStore, ToolModeReadsWithoutTouchingGroups) {
  RedisServer server;
  Raw raw(server);
  {
    RedisStore tool(redis_config(server), OpenMode::tool, FakeClock().fn());
    EXPECT_TRUE(tool.list_dead(std::nullopt).empty());
    EXPECT_TRUE(tool.list_quarantine().empty());
    EXPECT_TRUE(tool.counts().empty());
    EXPECT_TRUE(tool.claim("audit", 10, 1s).empty());
    EXPECT_EQ(raw.integer({"EXISTS", "t:events"}), 0);  // no stream, no group created
  }
  // Beside a daemon: the tool replays what the daemon dead-lettered, the daemon picks it up.
  RedisStore daemon(redis_config(server), OpenMode::daemon, FakeClock().fn());
  ASSERT_EQ(record_sync(daemon, delivery("d", "d")), RecordResult::recorded);
  for (const auto& item : daemon.claim("audit", 10, 1s)) daemon.dead_letter(item.id, "boom");
  RedisStore tool(redis_config(server), OpenMode::tool, FakeClock().fn());
  const auto dead = tool.list_dead(std::nullopt);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(tool.replay(Selection{false, {dead[0].id}, std::nullopt}), 1u);
  EXPECT_EQ(delivery_ids(daemon.claim("audit", 10, 1s)), std::vector<std::string>{"d"});
}

TEST(RedisStore, UnsafeRedisConfigWarnsOrRefuses) {
  RedisServer server({"--appendonly", "no", "--maxmemory-policy", "allkeys-lru"});
  auto cfg = redis_config(server);
  {
    testing::internal::CaptureStderr();
    RedisStore store(cfg, OpenMode::daemon, FakeClock().fn());
    const auto logged = testing::internal::GetCapturedStderr();
    EXPECT_NE(logged.find("appendonly is no"), std::string::npos) << logged;
    EXPECT_NE(logged.find("maxmemory-policy is allkeys-lru"), std::string::npos) << logged;
    EXPECT_EQ(record_sync(store, delivery("ok", "ok")), RecordResult::recorded);
  }
  cfg.redis.require_safe_config = true;
  try {
    RedisStore store(cfg, OpenMode::daemon, FakeClock().fn());
    FAIL() << "started on a Redis that neither persists nor refuses to evict";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("appendonly is no"), std::string::npos) << message;
    EXPECT_NE(message.find("require_safe_config"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  // Tools only read and replay: no check, no refusal.
  EXPECT_NO_THROW(RedisStore(cfg, OpenMode::tool, FakeClock().fn()));
}

TEST(RedisStore, SafeRedisStartsQuietlyWithRequireSafeConfig) {
  RedisServer server({"--appendonly", "yes", "--maxmemory-policy", "noeviction"});
  auto cfg = redis_config(server);
  cfg.redis.require_safe_config = true;
  testing::internal::CaptureStderr();
  RedisStore store(cfg, OpenMode::daemon, FakeClock().fn());
  const auto logged = testing::internal::GetCapturedStderr();
  EXPECT_EQ(logged.find("UNSAFE"), std::string::npos) << logged;
  EXPECT_TRUE(store.ready());
}

TEST(RedisStore, UnreachableRedisFailsToOpenWithoutThePassword) {
  RedisServer server({"--requirepass", "hunter2"});
  auto cfg = redis_config(server);
  cfg.redis.url = "redis://:hunter2@127.0.0.1:" + std::to_string(server.port());
  { RedisStore ok(cfg, OpenMode::daemon, FakeClock().fn()); }
  server.stop();
  cfg.redis.connect_timeout = 300ms;
  try {
    RedisStore store(cfg, OpenMode::daemon, FakeClock().fn());
    FAIL() << "opened a store without Redis";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(server.port())), std::string::npos) << message;
  }
  cfg.redis.url = "http://nope";
  EXPECT_THROW(open_store(cfg, OpenMode::tool), std::runtime_error);
}

}  // namespace
}  // namespace slwd::store::test
