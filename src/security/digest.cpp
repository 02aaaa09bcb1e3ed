// HMAC-SHA256 and SHA-256 as lowercase hex, and a length-hiding constant-time equality.
// HMAC through hmac.hpp (one context per thread); SHA-256 with one-shot calls.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <string>
#include <string_view>

#include "hmac.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::security {
namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}

// SHA-256 into out[32]. A null pointer with length 0 is fine for EVP_Digest.
void sha256(std::string_view data, unsigned char* out) {
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char mac[kHmacSha256Size];
  // Only on allocation failure inside OpenSSL; an empty digest matches nothing.
  if (!hmac_sha256(key, data, mac)) return {};
  return to_hex(mac, sizeof mac);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  sha256(data, digest);
  return to_hex(digest, sizeof digest);
}

std::string signature_header(std::string_view secret, std::string_view body) {
  return "sha256=" + hmac_sha256_hex(secret, body);
}

bool constant_time_equals(std::string_view a, std::string_view b) {
  // Comparing fixed-size digests hides both the content and the length of the secret: the
  // time taken no longer depends on where, or whether, the inputs first differ.
  unsigned char da[SHA256_DIGEST_LENGTH];
  unsigned char db[SHA256_DIGEST_LENGTH];
  sha256(a, da);
  sha256(b, db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

}  // namespace slwd::security
