// Verification of X-Smartlead-Signature (SPEC §4 row 6).
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <string>
#include <string_view>
#include <vector>

#include "hmac.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::security {
namespace {

constexpr std::string_view kPrefix = "sha256=";

bool prefix_matches(std::string_view header) noexcept {
  if (header.size() < kPrefix.size()) return false;
  for (std::size_t i = 0; i < kPrefix.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != kPrefix[i]) return false;
  }
  return true;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly 64 hex digits of either case into 32 bytes. The header is public (the attacker sent
// it), so decoding need not be constant-time; only the digest comparison must be.
bool decode_digest(std::string_view hex, unsigned char* out) noexcept {
  if (hex.size() != 2 * SHA256_DIGEST_LENGTH) return false;
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  return true;
}

}  // namespace

bool signature_matches(std::string_view header_value, std::string_view body,
                       const std::vector<std::string>& secrets) {
  if (!prefix_matches(header_value)) return false;
  unsigned char claimed[SHA256_DIGEST_LENGTH];
  if (!decode_digest(header_value.substr(kPrefix.size()), claimed)) return false;

  for (const std::string& secret : secrets) {
    // An empty secret is known to everyone: a signature made with it proves nothing, so a
    // config that expanded ${SECRET:-} to "" must not turn into "accept anything signed".
    if (secret.empty()) continue;
    unsigned char expected[SHA256_DIGEST_LENGTH];
    if (!hmac_sha256(secret, body, expected)) continue;
    if (CRYPTO_memcmp(expected, claimed, sizeof expected) == 0) return true;
  }
  return false;
}

}  // namespace slwd::security
