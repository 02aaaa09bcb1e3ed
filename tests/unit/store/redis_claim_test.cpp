// RedisStore::claim's third step, new entries read by the store's own XREADGROUP after the claim
// script (src/store/redis/store_claim.cpp): entries routed to other handlers are acknowledged and
// never handed out, however many of them come first; a group lost between the script and the
// read is recreated; entries a dead replica read and never acknowledged are taken over. Against a
// real redis-server; ClaimProxy places a group loss exactly between the two calls.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "redis_claim_proxy.hpp"
#include "redis_raw.hpp"
#include "slwd/store/redis_store.hpp"
#include "sqlite_test_support.hpp"  // FakeClock, delivery(), record_sync(), eventually()
#include "support/redis_server.hpp"

namespace slwd::store::test {
namespace {

using namespace std::chrono_literals;
using slwd::test::RedisServer;

config::StoreConfig claim_config(const std::string& url, std::chrono::milliseconds lease = 30s) {
  return redis_store_config(url, lease);
}

std::multiset<std::string> delivery_ids(const std::vector<WorkItem>& items) {
  std::multiset<std::string> ids;
  for (const auto& item : items) ids.insert(item.delivery_id);
  return ids;
}

void record(Store& store, const std::string& id, std::vector<std::string> handlers) {
  ASSERT_EQ(record_sync(store, delivery(id, "body of " + id, std::move(handlers))),
            RecordResult::recorded);
}

// Entries in `group`'s pending list (read, not acknowledged).
long long pending_entries(Raw& raw, const std::string& group) {
  return raw({"XPENDING", "t:events", group}).elements[0].integer;
}

bool group_exists(Raw& raw, const std::string& group) {
  for (const auto& g : raw({"XINFO", "GROUPS", "t:events"}).elements) {
    for (std::size_t i = 0; i + 1 < g.elements.size(); i += 2) {
      if (g.elements[i].str == "name" && g.elements[i + 1].str == group) return true;
    }
  }
  return false;
}

TEST(RedisClaim, EntriesOfOtherHandlersAreAcknowledgedAndNeverHandedOut) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(claim_config(server.url()), OpenMode::daemon, FakeClock().fn());
  record(store, "a0", {"a"});
  for (int i = 0; i < 5; ++i) record(store, "b" + std::to_string(i), {"b"});
  record(store, "ab0", {"ab"});  // a name that merely starts with "a" is another handler
  record(store, "a1", {"b", "a"});

  auto a = store.claim("a", 10, 30s);
  EXPECT_EQ(delivery_ids(a), (std::multiset<std::string>{"a0", "a1"}));
  for (const auto& item : a) {
    EXPECT_EQ(item.handler, "a");
    EXPECT_EQ(item.body, "body of " + item.delivery_id);
    EXPECT_EQ(item.event_type, "EMAIL_REPLY");
    EXPECT_EQ(item.received_at_ms, kT0);
    EXPECT_EQ(item.attempts, 0);
  }
  // Only a's own entries wait for an outcome; the rest were acknowledged by the claim.
  EXPECT_EQ(pending_entries(raw, "a"), 2);
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());
  store.complete(ids_of(a));
  EXPECT_EQ(pending_entries(raw, "a"), 0);
  EXPECT_EQ(store.counts()["a"].pending, 0);
  // The other groups are untouched by a's reading.
  EXPECT_EQ(store.claim("b", 10, 30s).size(), 6u);
  EXPECT_EQ(delivery_ids(store.claim("ab", 10, 30s)), std::multiset<std::string>{"ab0"});
}

TEST(RedisClaim, FullPagesOfForeignEntriesDoNotHideARoutedOneBehindThem) {
  RedisServer server;
  Raw raw(server);
  RedisStore store(claim_config(server.url()), OpenMode::daemon, FakeClock().fn());
  record(store, "a0", {"a"});
  store.complete(ids_of(store.claim("a", 10, 30s)));
  for (int i = 0; i < 20; ++i) record(store, "b" + std::to_string(i), {"b"});
  record(store, "a1", {"a"});
  // Pages of 4: five of them hold nothing for a, the sixth holds a1. One claim finds it.
  EXPECT_EQ(delivery_ids(store.claim("a", 4, 30s)), std::multiset<std::string>{"a1"});
  EXPECT_EQ(pending_entries(raw, "a"), 1);
}

TEST(RedisClaim, AClaimReadsBoundedlyAndTheNextCarriesOnWhereItStopped) {
  RedisServer server;
  RedisStore store(claim_config(server.url()), OpenMode::daemon, FakeClock().fn());
  record(store, "a0", {"a"});
  store.complete(ids_of(store.claim("a", 10, 30s)));
  for (int i = 0; i < 100; ++i) record(store, "b" + std::to_string(i), {"b"});
  record(store, "a1", {"a"});
  // Ten pages of two per claim: a claim's time stays bounded however long the foreign run, and
  // what it acknowledged is not read again, so a few claims reach a1.
  EXPECT_TRUE(store.claim("a", 2, 30s).empty());
  std::vector<WorkItem> found;
  for (int claims = 1; claims < 6 && found.empty(); ++claims) found = store.claim("a", 2, 30s);
  EXPECT_EQ(delivery_ids(found), std::multiset<std::string>{"a1"});
}

TEST(RedisClaim, GroupDestroyedBetweenTheScriptAndTheReadIsRecreatedFromTheStart) {
  RedisServer server;
  Raw raw(server);
  ClaimProxy proxy(server.port());
  FakeClock clock;
  RedisStore store(claim_config(proxy.url()), OpenMode::daemon, clock.fn());
  record(store, "r1", {"a"});
  auto first = store.claim("a", 10, 30s);
  ASSERT_EQ(first.size(), 1u);
  store.reschedule(first[0].id, kT0, "timeout");  // due now: the script's part of the next claim
  record(store, "n1", {"a"});

  proxy.arm("XREADGROUP", [&] {
    EXPECT_EQ(raw.integer({"XGROUP", "DESTROY", "t:events", "a"}), 1);
    EXPECT_EQ(raw.integer({"SREM", "t:handlers", "a"}), 1);
  });
  auto claimed = store.claim("a", 10, 30s);
  ASSERT_TRUE(proxy.fired());
  // What the script took is handed out; the group and its handlers-set member are back.
  ASSERT_EQ(delivery_ids(claimed), std::multiset<std::string>{"r1"});
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_TRUE(group_exists(raw, "a"));
  EXPECT_EQ(raw.integer({"SISMEMBER", "t:handlers", "a"}), 1);
  // Reading from the start, the new group skips nothing recorded for a (r1's entry, acknowledged
  // by the old group, comes again: at least once).
  EXPECT_EQ(delivery_ids(store.claim("a", 10, 30s)), (std::multiset<std::string>{"n1", "r1"}));
}

TEST(RedisClaim, FlushAllBetweenTheScriptAndTheReadRecreatesTheGroupAndCarriesOn) {
  RedisServer server;
  Raw raw(server);
  ClaimProxy proxy(server.port());
  RedisStore store(claim_config(proxy.url()), OpenMode::daemon, FakeClock().fn());
  record(store, "f1", {"a"});
  proxy.arm("XREADGROUP", [&] { raw({"FLUSHALL"}); });
  EXPECT_TRUE(store.claim("a", 10, 30s).empty());
  ASSERT_TRUE(proxy.fired());
  EXPECT_TRUE(group_exists(raw, "a"));
  EXPECT_EQ(raw.integer({"SISMEMBER", "t:handlers", "a"}), 1);
  record(store, "f2", {"a"});
  EXPECT_EQ(delivery_ids(store.claim("a", 10, 30s)), std::multiset<std::string>{"f2"});
}

TEST(RedisClaim, ForeignEntriesADeadReplicaReadAreAcknowledgedByTheTakeover) {
  RedisServer server;
  Raw raw(server);
  RedisStore survivor(claim_config(server.url(), 1s), OpenMode::daemon, FakeClock().fn());
  record(survivor, "a0", {"a"});
  for (int i = 0; i < 3; ++i) record(survivor, "b" + std::to_string(i), {"b"});
  record(survivor, "a1", {"a"});
  // A replica that read everything and died before acknowledging the foreign entries.
  const auto read =
      raw({"XREADGROUP", "GROUP", "a", "dead-replica", "COUNT", "10", "STREAMS", "t:events", ">"});
  ASSERT_EQ(read.elements.at(0).elements.at(1).elements.size(), 5u);
  EXPECT_TRUE(survivor.claim("a", 10, 1s).empty());  // still leased

  std::vector<WorkItem> taken;
  ASSERT_TRUE(eventually(
      [&] {
        auto items = survivor.claim("a", 10, 1s);
        taken.insert(taken.end(), items.begin(), items.end());
        return !taken.empty();
      },
      10s));
  EXPECT_EQ(delivery_ids(taken), (std::multiset<std::string>{"a0", "a1"}));
  EXPECT_EQ(pending_entries(raw, "a"), 2);  // the foreign three acknowledged, not taken
  survivor.complete(ids_of(taken));
  EXPECT_EQ(pending_entries(raw, "a"), 0);
}

// What a claim costs Redis in calls: new entries are one script call and one plain read, plus
// one acknowledgement when the read met entries of other handlers.
TEST(RedisClaim, AClaimOfNewEntriesIsOneScriptCallAndOneRead) {
  RedisServer server;
  ClaimProxy proxy(server.port());
  RedisStore store(claim_config(proxy.url()), OpenMode::daemon, FakeClock().fn());
  for (int i = 0; i < 10; ++i) record(store, "a" + std::to_string(i), {"a"});
  record(store, "b0", {"b"});
  record(store, "a10", {"a"});
  proxy.reset_counts();
  EXPECT_EQ(store.claim("a", 10, 30s).size(), 10u);
  EXPECT_EQ(proxy.commands("EVALSHA"), 1);
  EXPECT_EQ(proxy.commands("XREADGROUP"), 1);
  EXPECT_EQ(proxy.commands("XACK"), 0);
  proxy.reset_counts();
  EXPECT_EQ(delivery_ids(store.claim("a", 10, 30s)), std::multiset<std::string>{"a10"});
  EXPECT_EQ(proxy.commands("EVALSHA"), 1);
  EXPECT_EQ(proxy.commands("XREADGROUP"), 1);  // b0 and a10, fewer than asked: the end
  EXPECT_EQ(proxy.commands("XACK"), 1);
}

}  // namespace
}  // namespace slwd::store::test
