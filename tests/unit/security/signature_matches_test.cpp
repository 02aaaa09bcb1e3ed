#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "slwd/security/signature.hpp"

namespace slwd::security {
namespace {

const std::string kBody = R"({"event_type":"EMAIL_REPLY","campaign_id":871234})";
const std::vector<std::string> kSecrets = {"current-secret"};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

std::string hex_of(const std::string& secret) {
  return hmac_sha256_hex(secret, kBody);
}

TEST(SignatureMatches, AcceptsOwnSignature) {
  EXPECT_TRUE(signature_matches(signature_header("current-secret", kBody), kBody, kSecrets));
}

TEST(SignatureMatches, RotationAnySecretMatches) {
  const std::vector<std::string> rotating = {"new-secret", "old-secret"};
  EXPECT_TRUE(signature_matches(signature_header("old-secret", kBody), kBody, rotating));
  EXPECT_TRUE(signature_matches(signature_header("new-secret", kBody), kBody, rotating));
  EXPECT_FALSE(signature_matches(signature_header("other", kBody), kBody, rotating));
}

TEST(SignatureMatches, PrefixIsCaseInsensitive) {
  EXPECT_TRUE(signature_matches("SHA256=" + hex_of("current-secret"), kBody, kSecrets));
  EXPECT_TRUE(signature_matches("Sha256=" + hex_of("current-secret"), kBody, kSecrets));
}

TEST(SignatureMatches, HexIsCaseInsensitive) {
  EXPECT_TRUE(signature_matches("sha256=" + upper(hex_of("current-secret")), kBody, kSecrets));
  std::string mixed = hex_of("current-secret");
  for (std::size_t i = 0; i < mixed.size(); i += 2) {
    mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
  }
  EXPECT_TRUE(signature_matches("sha256=" + mixed, kBody, kSecrets));
}

TEST(SignatureMatches, RejectsMalformedHeaders) {
  const std::string good = hex_of("current-secret");
  const std::vector<std::string> bad = {
      "",
      "sha256=",
      good,                                   // missing prefix
      "sha1=" + good,                         // other algorithm
      "sha256:" + good,                       // wrong separator
      " sha256=" + good,                      // leading space
      "sha256=" + good + " ",                 // trailing space
      "sha256=" + good.substr(0, 63),         // 63 digits
      "sha256=" + good + "0",                 // 65 digits
      "sha256=" + good.substr(0, 62) + "zz",  // non-hex
      "sha256=" + good.substr(0, 62) + "0x",
      "sha256=" + std::string(64, 'g'),
  };
  for (const auto& header : bad) {
    EXPECT_FALSE(signature_matches(header, kBody, kSecrets)) << "header: '" << header << "'";
  }
}

TEST(SignatureMatches, RejectsWrongDigestBodyOrSecret) {
  std::string flipped = hex_of("current-secret");
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  EXPECT_FALSE(signature_matches("sha256=" + flipped, kBody, kSecrets));
  EXPECT_FALSE(signature_matches(signature_header("current-secret", kBody + " "), kBody, kSecrets));
  EXPECT_FALSE(signature_matches(signature_header("wrong", kBody), kBody, kSecrets));
}

TEST(SignatureMatches, EmptySecretListMatchesNothing) {
  EXPECT_FALSE(signature_matches(signature_header("current-secret", kBody), kBody, {}));
}

TEST(SignatureMatches, EmptySecretIsNeverAccepted) {
  // Anyone can compute HMAC under the empty key; it must not authenticate a request.
  EXPECT_FALSE(signature_matches(signature_header("", kBody), kBody, {""}));
  EXPECT_TRUE(signature_matches(signature_header("s", kBody), kBody, {"", "s"}));
}

TEST(SignatureMatches, EmptyBody) {
  EXPECT_TRUE(signature_matches(signature_header("current-secret", ""), "", kSecrets));
}

}  // namespace
}  // namespace slwd::security
