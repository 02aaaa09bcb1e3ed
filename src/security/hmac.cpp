#include "hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace slwd::security {
namespace {

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const noexcept { EVP_MAC_CTX_free(ctx); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// An HMAC context with SHA-256 chosen, or null if OpenSSL could not make one.
MacCtx new_hmac_sha256() {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  if (mac == nullptr) return nullptr;
  MacCtx ctx(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context holds its own reference
  if (!ctx) return nullptr;
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(ctx.get(), params) != 1) return nullptr;
  return ctx;
}

}  // namespace

bool hmac_sha256(std::string_view key, std::string_view data, unsigned char* out) noexcept {
  thread_local MacCtx ctx;
  if (!ctx) ctx = new_hmac_sha256();  // again after a failure: it was an allocation
  if (!ctx) return false;
  // A real pointer even for an empty key: a null key means "keep the previous key".
  static constexpr unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  std::size_t len = 0;
  return EVP_MAC_init(ctx.get(), key_bytes, key.size(), nullptr) == 1 &&
         EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                        data.size()) == 1 &&
         EVP_MAC_final(ctx.get(), out, &len, kHmacSha256Size) == 1 && len == kHmacSha256Size;
}

}  // namespace slwd::security
