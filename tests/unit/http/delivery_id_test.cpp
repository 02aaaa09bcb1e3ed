// SPEC §4 delivery id rules, directly and through decide().
#include <gtest/gtest.h>

#include "receiver_fixture.hpp"

namespace slwd::http {
namespace {

using namespace std::string_literals;

using namespace test;

const std::string kBody = kReply;
const std::string kBodyId = "sha256:" + security::sha256_hex(kBody);

std::string hashed(std::string_view value) {
  return "sha256:" + security::sha256_hex(value);
}

TEST(DeliveryId, AbsentOrEmptyIsTheBodyHash) {
  EXPECT_EQ(delivery_id_for(std::nullopt, kBody), kBodyId);
  EXPECT_EQ(delivery_id_for(std::string(), kBody), kBodyId);
  EXPECT_EQ(kBodyId.size(), 7u + 64u);
  EXPECT_EQ(delivery_id_for(std::nullopt, ""), hashed(""));
}

TEST(DeliveryId, PrintableUpTo128BytesIsKept) {
  EXPECT_EQ(delivery_id_for("abc-123", kBody), "abc-123");
  EXPECT_EQ(delivery_id_for("!", kBody), "!");  // 0x21
  EXPECT_EQ(delivery_id_for("~", kBody), "~");  // 0x7E
  const std::string id128(128, 'a');
  EXPECT_EQ(delivery_id_for(id128, kBody), id128);
  // A sender's id that looks like ours is still the sender's.
  EXPECT_EQ(delivery_id_for(kBodyId, "other body"), kBodyId);
}

TEST(DeliveryId, LongerThan128BytesIsTheHeaderHash) {
  const std::string id129(129, 'a');
  EXPECT_EQ(delivery_id_for(id129, kBody), hashed(id129));
  EXPECT_NE(delivery_id_for(id129, kBody), kBodyId);
}

TEST(DeliveryId, NotPrintableAsciiIsTheHeaderHash) {
  for (const std::string& id : std::vector<std::string>{
           "with space", "tab\there", "nul\0x"s, "del\x7f", "caf\xc3\xa9", " lead", "trail "}) {
    EXPECT_EQ(delivery_id_for(id, kBody), hashed(id)) << ::testing::PrintToString(id);
  }
}

TEST(DeliveryId, UsedForAcceptedAndQuarantined) {
  const auto config = base_config();
  const Receiver receiver(config);
  auto head = signed_post(kBody);

  auto id_of = [&](const Decision& d) {
    if (const auto* a = std::get_if<Accept>(&d)) return a->delivery.delivery_id;
    if (const auto* q = std::get_if<Quarantine>(&d)) return q->item.delivery_id;
    ADD_FAILURE() << "no id in a Response";
    return std::string();
  };

  EXPECT_EQ(id_of(receiver.decide(head, kBody, 1)), kBodyId);
  head.request_id = "";
  EXPECT_EQ(id_of(receiver.decide(head, kBody, 1)), kBodyId);
  head.request_id = "req-1";
  EXPECT_EQ(id_of(receiver.decide(head, kBody, 1)), "req-1");
  head.request_id = std::string(129, 'z');
  EXPECT_EQ(id_of(receiver.decide(head, kBody, 1)), hashed(std::string(129, 'z')));
  head.request_id = "a b";
  EXPECT_EQ(id_of(receiver.decide(head, kBody, 1)), hashed("a b"));

  const std::string bad = "not json";
  auto bad_head = signed_post(bad);
  EXPECT_EQ(id_of(receiver.decide(bad_head, bad, 1)), hashed(bad));
  bad_head.request_id = "req-2";
  EXPECT_EQ(id_of(receiver.decide(bad_head, bad, 1)), "req-2");
}

}  // namespace
}  // namespace slwd::http
