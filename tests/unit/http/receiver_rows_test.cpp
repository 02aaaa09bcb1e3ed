// SPEC §4 rows 3-7 in order, and their precedence.
#include <gtest/gtest.h>

#include "receiver_fixture.hpp"
#include "slwd/events/event.hpp"

namespace slwd::http {
namespace {

using namespace test;

class ReceiverRows : public ::testing::Test {
 protected:
  std::shared_ptr<config::Config> config_ = base_config();
  Receiver receiver() const { return Receiver(config_); }
};

TEST(TargetPath, StripsQueryAndAbsoluteForm) {
  EXPECT_EQ(target_path("/a"), "/a");
  EXPECT_EQ(target_path("/a?b=1"), "/a");
  EXPECT_EQ(target_path("/a?"), "/a");
  EXPECT_EQ(target_path("/a/?b"), "/a/");
  EXPECT_EQ(target_path("http://host:8080/a/b?c"), "/a/b");
  EXPECT_EQ(target_path("http://host"), "/");
  EXPECT_EQ(target_path("http://host?x=/a"), "/");
  EXPECT_EQ(target_path("*"), "*");
  EXPECT_EQ(target_path(""), "");
}

TEST_F(ReceiverRows, Row3UnknownPathIs404) {
  for (const std::string target :
       {"/", "/webhooks", "/webhooks/smartlead/", "/Webhooks/Smartlead", "/webhooks/smartlead2",
        "/webhooks/smartlea", "/webhooks%2Fsmartlead", "webhooks/smartlead"}) {
    const auto head = signed_post(kReply, target);
    const auto r = receiver().check_head(head);
    ASSERT_TRUE(r.has_value()) << target;
    EXPECT_EQ(r->status, 404u) << target;
    EXPECT_EQ(r->body, R"({"error":"not found"})");
    EXPECT_EQ(as_response(receiver().decide(head, kReply, 1)).status, 404u) << target;
  }
}

TEST_F(ReceiverRows, Row3QueryStringIsIgnored) {
  const auto head = signed_post(kReply, std::string(kPath) + "?token=x&y");
  EXPECT_FALSE(receiver().check_head(head).has_value());
  EXPECT_TRUE(std::holds_alternative<Accept>(receiver().decide(head, kReply, 1)));
}

TEST_F(ReceiverRows, Row3EveryConfiguredEndpointIsServed) {
  config::EndpointConfig other;
  other.path = "/hooks/other";
  other.secrets = {"other-secret"};
  config_->endpoints.push_back(other);
  auto head = post(kReply, security::signature_header("other-secret", kReply), "/hooks/other");
  const auto d = receiver().decide(head, kReply, 1);
  ASSERT_TRUE(std::holds_alternative<Accept>(d));
  EXPECT_EQ(std::get<Accept>(d).delivery.endpoint, "/hooks/other");
  // Each endpoint has its own secrets.
  head.signature = security::signature_header(kSecret, kReply);
  EXPECT_EQ(status_of(receiver().decide(head, kReply, 1)), 401u);
}

TEST_F(ReceiverRows, Row4MethodOtherThanPostIs405) {
  for (const std::string method : {"GET", "PUT", "HEAD", "OPTIONS", "DELETE", "post", "PURGE"}) {
    auto head = signed_post(kReply);
    head.method = method;
    const auto r = receiver().check_head(head);
    ASSERT_TRUE(r.has_value()) << method;
    EXPECT_EQ(r->status, 405u) << method;
    EXPECT_EQ(r->body, R"({"error":"method not allowed"})");
    ASSERT_EQ(r->headers.size(), 1u);
    EXPECT_EQ(r->headers[0].first, "Allow");
    EXPECT_EQ(r->headers[0].second, "POST");
    EXPECT_EQ(as_response(receiver().decide(head, kReply, 1)).status, 405u) << method;
  }
}

TEST_F(ReceiverRows, Row5ContentLengthOverMaxBodyIs413) {
  auto head = signed_post(kReply);
  head.content_length = config_->server.max_body;
  EXPECT_FALSE(receiver().check_head(head).has_value());
  head.content_length = config_->server.max_body + 1;
  const auto r = receiver().check_head(head);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 413u);
  EXPECT_EQ(r->body, R"({"error":"payload too large"})");
  EXPECT_TRUE(r->close);
  // Chunked: no length up front, the decoder enforces the limit; decide checks the body too.
  head.content_length.reset();
  head.chunked = true;
  EXPECT_FALSE(receiver().check_head(head).has_value());
  const std::string big(config_->server.max_body + 1, ' ');
  EXPECT_EQ(as_response(receiver().decide(signed_post(big), big, 1)).status, 413u);
}

TEST_F(ReceiverRows, ValidHeadGoesOnToTheBody) {
  EXPECT_FALSE(receiver().check_head(signed_post(kReply)).has_value());
  EXPECT_FALSE(receiver().check_head(post("", std::nullopt)).has_value());  // no signature yet
}

TEST_F(ReceiverRows, Row6MissingOrWrongSignatureIs401) {
  const std::string body = kReply;
  for (const std::optional<std::string>& sig :
       {std::optional<std::string>{}, std::optional<std::string>{""},
        std::optional<std::string>{"sha256="},
        std::optional<std::string>{security::signature_header("wrong", body)},
        std::optional<std::string>{security::hmac_sha256_hex(kSecret, body)},  // no prefix
        std::optional<std::string>{security::signature_header(kSecret, body + " ")}}) {
    const auto d = receiver().decide(post(body, sig), body, 1);
    const Response& r = as_response(d);
    EXPECT_EQ(r.status, 401u) << sig.value_or("<absent>");
    EXPECT_EQ(r.body, R"({"error":"invalid signature"})");
    // Never echoes anything expected.
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
    EXPECT_EQ(r.body.find(security::hmac_sha256_hex(kSecret, body)), std::string::npos);
    for (const auto& [name, value] : r.headers) {
      EXPECT_EQ(value.find(security::hmac_sha256_hex(kSecret, body)), std::string::npos) << name;
    }
  }
}

TEST_F(ReceiverRows, Row6SignatureOverTheRawBytes) {
  const std::string body = kReply;
  EXPECT_TRUE(std::holds_alternative<Accept>(receiver().decide(signed_post(body), body, 1)));
  // Same JSON, other bytes: the signature no longer matches.
  const std::string spaced = R"({"event_type": "EMAIL_REPLY", "campaign_id": 123})";
  EXPECT_EQ(status_of(receiver().decide(signed_post(body), spaced, 1)), 401u);
}

TEST_F(ReceiverRows, Row6PrefixAndHexAreCaseInsensitive) {
  const std::string body = kReply;
  std::string upper = "SHA256=" + security::hmac_sha256_hex(kSecret, body);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(std::holds_alternative<Accept>(receiver().decide(post(body, upper), body, 1)));
}

TEST_F(ReceiverRows, Row7InvalidPayloadIsQuarantined) {
  for (const std::string& body : std::vector<std::string>{
           "not json", "", "[]", R"({"event_type":"EMAIL_REPLY",})", R"({"campaign_id":1})",
           R"({'event_type':'EMAIL_REPLY'})", R"({"event_type":"EMAIL_REPLY"} x)",
           std::string(R"({"event_type":"EMAIL_REPLY","x":")") + "\xff\"}"}) {
    auto head = signed_post(body);
    head.request_id = "req-7";
    const auto d = receiver().decide(head, body, 1234);
    ASSERT_TRUE(std::holds_alternative<Quarantine>(d)) << body;
    const auto& q = std::get<Quarantine>(d);
    const auto parsed = events::parse_event(body);
    ASSERT_FALSE(parsed.event.has_value()) << body;
    EXPECT_EQ(q.response.status, 400u);
    EXPECT_EQ(q.response.body, responses::invalid_payload(parsed.error).body);
    EXPECT_EQ(q.response.body.rfind(R"({"error":"invalid payload: )", 0), 0u) << q.response.body;
    EXPECT_EQ(q.item.delivery_id, "req-7");
    EXPECT_EQ(q.item.endpoint, kPath);
    EXPECT_EQ(q.item.reason, parsed.error);
    EXPECT_EQ(q.item.received_at_ms, 1234);
    EXPECT_EQ(q.item.body, body);  // the raw bytes, kept for the operator
  }
}

TEST_F(ReceiverRows, Row7NestingLimit) {
  // nested(d) is d levels deep: the top-level object is level 1, then d - 1 arrays.
  auto nested = [](int depth) {
    std::string inner = "1";
    for (int i = 1; i < depth; ++i) inner = "[" + inner + "]";
    return R"({"event_type":"EMAIL_REPLY","x":)" + inner + "}";
  };
  const std::string ok = nested(64);
  const std::string deep = nested(65);
  EXPECT_TRUE(std::holds_alternative<Accept>(receiver().decide(signed_post(ok), ok, 1)));
  EXPECT_TRUE(std::holds_alternative<Quarantine>(receiver().decide(signed_post(deep), deep, 1)));
}

TEST_F(ReceiverRows, Precedence) {
  const std::string bad_body = "not json";
  // 404 beats 405, 413, 401 and 400.
  auto head = post(std::string(2000, 'x'), std::nullopt, "/nope");
  head.method = "GET";
  EXPECT_EQ(receiver().check_head(head)->status, 404u);
  EXPECT_EQ(status_of(receiver().decide(head, bad_body, 1)), 404u);
  // 405 beats 413, 401 and 400.
  head.target = kPath;
  EXPECT_EQ(receiver().check_head(head)->status, 405u);
  EXPECT_EQ(status_of(receiver().decide(head, bad_body, 1)), 405u);
  // 413 beats 401 and 400.
  head.method = "POST";
  EXPECT_EQ(receiver().check_head(head)->status, 413u);
  const std::string big(2000, 'x');
  EXPECT_EQ(status_of(receiver().decide(head, big, 1)), 413u);
  // 401 beats 400: a bad signature on an invalid body says nothing about the body.
  head.content_length = bad_body.size();
  EXPECT_FALSE(receiver().check_head(head).has_value());
  EXPECT_EQ(status_of(receiver().decide(head, bad_body, 1)), 401u);
  head.signature = security::signature_header("wrong", bad_body);
  EXPECT_EQ(status_of(receiver().decide(head, bad_body, 1)), 401u);
  // With the right signature, 400.
  head.signature = security::signature_header(kSecret, bad_body);
  EXPECT_EQ(status_of(receiver().decide(head, bad_body, 1)), 400u);
}

TEST_F(ReceiverRows, AcceptedDeliveryFields) {
  const std::string body = kReply;
  auto head = signed_post(body);
  head.request_id = "abc-123";
  head.level = "CamPaign";
  const auto d = receiver().decide(head, body, 1700000000123);
  ASSERT_TRUE(std::holds_alternative<Accept>(d));
  const store::Delivery& del = std::get<Accept>(d).delivery;
  EXPECT_EQ(del.delivery_id, "abc-123");
  EXPECT_EQ(del.endpoint, kPath);
  EXPECT_EQ(del.level, "campaign");
  EXPECT_EQ(del.event_type, "EMAIL_REPLY");
  EXPECT_EQ(del.received_at_ms, 1700000000123);
  EXPECT_EQ(del.body, body);
  EXPECT_EQ(del.body_sha256, security::sha256_hex(body));
  EXPECT_EQ(del.handlers, std::vector<std::string>{"log"});
}

TEST_F(ReceiverRows, LevelAbsentIsEmpty) {
  const auto d = receiver().decide(signed_post(kReply), kReply, 1);
  ASSERT_TRUE(std::holds_alternative<Accept>(d));
  EXPECT_EQ(std::get<Accept>(d).delivery.level, "");
}

TEST_F(ReceiverRows, AliasesAndUnknownTypesAreAccepted) {
  const std::string alias = R"({"event_type":"EMAIL_REPLIED"})";
  auto d = receiver().decide(signed_post(alias), alias, 1);
  ASSERT_TRUE(std::holds_alternative<Accept>(d));
  EXPECT_EQ(std::get<Accept>(d).delivery.event_type, "EMAIL_REPLY");

  const std::string unknown = R"({"event_type":"SOMETHING_NEW"})";
  d = receiver().decide(signed_post(unknown), unknown, 1);
  ASSERT_TRUE(std::holds_alternative<Accept>(d));
  EXPECT_EQ(std::get<Accept>(d).delivery.event_type, "SOMETHING_NEW");
}

}  // namespace
}  // namespace slwd::http
