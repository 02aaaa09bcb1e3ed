// SPEC §4 row 6 options: secret rotation, require_signature: false, accept_body_secret_key.
#include <gtest/gtest.h>

#include "receiver_fixture.hpp"

namespace slwd::http {
namespace {

using namespace test;

class ReceiverAuth : public ::testing::Test {
 protected:
  std::shared_ptr<config::Config> config_ = base_config();
  config::EndpointConfig& endpoint() { return config_->endpoints.front(); }
  Decision decide(const std::string& body, std::optional<std::string> signature) {
    return Receiver(config_).decide(post(body, std::move(signature)), body, 1);
  }
  static std::string body_with_key(const std::string& key) {
    return R"({"event_type":"EMAIL_REPLY","campaign_id":1,"secret_key":")" + key + R"("})";
  }
};

TEST_F(ReceiverAuth, AnyOfSeveralSecretsMatches) {
  endpoint().secrets = {"old-secret", "new-secret"};
  const std::string body = kReply;
  EXPECT_EQ(status_of(decide(body, security::signature_header("old-secret", body))), 200u);
  EXPECT_EQ(status_of(decide(body, security::signature_header("new-secret", body))), 200u);
  EXPECT_EQ(status_of(decide(body, security::signature_header("older-secret", body))), 401u);
  EXPECT_EQ(status_of(decide(body, std::nullopt)), 401u);
}

TEST_F(ReceiverAuth, RequireSignatureFalseChecksNothing) {
  endpoint().require_signature = false;
  const std::string body = kReply;
  EXPECT_EQ(status_of(decide(body, std::nullopt)), 200u);
  EXPECT_EQ(status_of(decide(body, "sha256=garbage")), 200u);
  EXPECT_EQ(status_of(decide(body, security::signature_header("wrong", body))), 200u);
  // Row 7 still applies.
  EXPECT_EQ(status_of(decide("not json", std::nullopt)), 400u);
}

TEST_F(ReceiverAuth, BodySecretKeyWithoutHeaderPasses) {
  endpoint().accept_body_secret_key = true;
  EXPECT_EQ(status_of(decide(body_with_key(kSecret), std::nullopt)), 200u);
  EXPECT_EQ(status_of(decide(body_with_key("wrong"), std::nullopt)), 401u);
  EXPECT_EQ(status_of(decide(body_with_key(""), std::nullopt)), 401u);
  EXPECT_EQ(status_of(decide(kReply, std::nullopt)), 401u);  // no secret_key at all
  // A prefix or an extension of the secret is not the secret.
  EXPECT_EQ(status_of(decide(body_with_key(std::string(kSecret).substr(1)), std::nullopt)), 401u);
  EXPECT_EQ(status_of(decide(body_with_key(std::string(kSecret) + "x"), std::nullopt)), 401u);
}

TEST_F(ReceiverAuth, BodySecretKeyNeedsTheOption) {
  EXPECT_EQ(status_of(decide(body_with_key(kSecret), std::nullopt)), 401u);
}

TEST_F(ReceiverAuth, PresentButWrongHeaderIs401EvenWithBodyKey) {
  endpoint().accept_body_secret_key = true;
  const std::string body = body_with_key(kSecret);
  EXPECT_EQ(status_of(decide(body, security::signature_header("wrong", body))), 401u);
  EXPECT_EQ(status_of(decide(body, "")), 401u);
  EXPECT_EQ(status_of(decide(body, "garbage")), 401u);
  // A right header is enough on its own.
  EXPECT_EQ(status_of(decide(body, security::signature_header(kSecret, body))), 200u);
}

TEST_F(ReceiverAuth, BodySecretKeyWithRotation) {
  endpoint().accept_body_secret_key = true;
  endpoint().secrets = {"old-secret", "new-secret"};
  EXPECT_EQ(status_of(decide(body_with_key("old-secret"), std::nullopt)), 200u);
  EXPECT_EQ(status_of(decide(body_with_key("new-secret"), std::nullopt)), 200u);
  EXPECT_EQ(status_of(decide(body_with_key(kSecret), std::nullopt)), 401u);
}

TEST_F(ReceiverAuth, EmptySecretNeverMatchesAnEmptyBodyKey) {
  endpoint().accept_body_secret_key = true;
  endpoint().secrets = {""};
  EXPECT_EQ(status_of(decide(body_with_key(""), std::nullopt)), 401u);
}

TEST_F(ReceiverAuth, BodySecretKeyMustBeATopLevelString) {
  endpoint().accept_body_secret_key = true;
  const std::string key = kSecret;
  for (const std::string& body : std::vector<std::string>{
           R"({"event_type":"EMAIL_REPLY","lead":{"secret_key":")" + key + R"("}})",
           R"({"type":"EMAIL_REPLY","data":{"secret_key":")" + key + R"("}})",
           R"({"event_type":"EMAIL_REPLY","secret_key":[")" + key + R"("]})",
           R"({"event_type":"EMAIL_REPLY","secret_key":null})",
           R"({"campaign_id":1,"nested":{"secret_key":")" + key + R"("}})",
       }) {
    EXPECT_EQ(status_of(decide(body, std::nullopt)), 401u) << body;
  }
}

TEST_F(ReceiverAuth, AuthenticBodyKeyOnAnUnparseableEventIsQuarantined) {
  endpoint().accept_body_secret_key = true;
  const std::string key = kSecret;
  // Valid JSON with the right key but no event type: authentic, so 400 + quarantine, not 401.
  const std::string no_type = R"({"campaign_id":1,"secret_key":")" + key + R"("})";
  EXPECT_TRUE(std::holds_alternative<Quarantine>(decide(no_type, std::nullopt)));
  // Duplicate keys: the last one wins.
  const std::string last_right = R"({"secret_key":"wrong","secret_key":")" + key + R"("})";
  EXPECT_TRUE(std::holds_alternative<Quarantine>(decide(last_right, std::nullopt)));
  const std::string last_wrong = R"({"secret_key":")" + key + R"(","secret_key":"wrong"})";
  EXPECT_EQ(status_of(decide(last_wrong, std::nullopt)), 401u);
  const std::string last_not_string = R"({"secret_key":")" + key + R"(","secret_key":1})";
  EXPECT_EQ(status_of(decide(last_not_string, std::nullopt)), 401u);
  // Not JSON at all: nothing proves it authentic.
  EXPECT_EQ(status_of(decide(R"({"secret_key":")" + key + R"(",})", std::nullopt)), 401u);
  EXPECT_EQ(status_of(decide(R"(["secret_key",")" + key + R"("])", std::nullopt)), 401u);
}

}  // namespace
}  // namespace slwd::http
