// load_tls(): server.tls's files -> the listener's OpenSSL context, or FILE:LINE: message.
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <vector>

#include "slwd/http/tls.hpp"
#include "tls_context.hpp"
#include "tls_pem_file.hpp"

namespace slwd::http {
namespace {

struct Free {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(char* p) const { OPENSSL_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

// Mozilla's "intermediate" TLS 1.2 suites (forward secret AEAD only); TLS 1.3 keeps OpenSSL's
// defaults, which are all strong. Clients choose among them: every one is acceptable.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// OpenSSL's own reason for the last failure ("ee key too small", "key values mismatch"): it
// describes, never quotes, what it refused.
std::string openssl_reason() {
  unsigned long code = ERR_peek_last_error();
  const char* reason = code ? ERR_reason_error_string(code) : nullptr;
  ERR_clear_error();
  return reason ? reason : "refused by OpenSSL";
}

// The default would ask for a passphrase on the terminal (check-config run by hand): refuse.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

Owned<BIO> memory_bio(const std::string& text) {
  return Owned<BIO>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

// Every certificate of the file, leaf first. Stops at the first block that is not one; a key
// in the same file (a combined PEM) is skipped over by PEM_read_bio_X509.
std::vector<Owned<X509>> read_certificates(const std::string& text) {
  std::vector<Owned<X509>> chain;
  auto bio = memory_bio(text);
  while (bio) {
    Owned<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr));
    if (!cert) break;
    chain.push_back(std::move(cert));
  }
  ERR_clear_error();  // the loop always ends on "no start line"
  return chain;
}

bool looks_encrypted(const std::string& pem) {
  return pem.find("ENCRYPTED") != std::string::npos;
}

// TLS 1.2 minimum, the suites above, no compression (CRIME) and no client-initiated
// renegotiation (a cheap way to make the server do expensive handshakes).
bool apply_server_protocol(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return false;
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) return false;
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_dh_auto(ctx, 1);  // the DHE suites, with OpenSSL's built-in groups
  // Idle keep-alive connections give their 2 x ~17 KiB record buffers back: thousands of them
  // are normal behind SmartLead's connection reuse.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return true;
}

std::string subject_of(X509* cert) {
  Owned<BIO> out(BIO_new(BIO_s_mem()));
  if (!out || X509_NAME_print_ex(out.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) < 0) {
    return "";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : "";
}

std::string serial_of(X509* cert) {
  Owned<BIGNUM> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  if (!bn) return "";
  Owned<char> hex(BN_bn2hex(bn.get()));
  return hex ? std::string(hex.get()) : "";
}

std::string not_after_of(X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return "";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

TlsLoad load_tls(const config::Config& config) {
  TlsLoad result;
  if (!config.server.tls) return result;
  const config::TlsConfig& tls = *config.server.tls;
  auto fail = [&](std::string message) {
    result.error = config::ConfigError{config.source, tls.line, std::move(message)};
    return result;
  };
  const std::string cert_key = "server.tls.cert_file: ";
  const std::string key_key = "server.tls.key_file: ";
  const std::string cert_path = "\"" + tls.cert_file + "\"";
  const std::string key_path = "\"" + tls.key_file + "\"";

  auto cert_pem = detail::read_pem_file(tls.cert_file);
  if (!cert_pem.error.empty()) return fail(cert_key + cert_pem.error);
  auto key_pem = detail::read_pem_file(tls.key_file);
  if (!key_pem.error.empty()) return fail(key_key + key_pem.error);

  auto chain = read_certificates(cert_pem.text);
  if (chain.empty()) {
    return fail(cert_key + cert_path + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  Owned<EVP_PKEY> key;
  if (auto bio = memory_bio(key_pem.text)) {
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  }
  const bool encrypted = looks_encrypted(key_pem.text);
  OPENSSL_cleanse(key_pem.text.data(), key_pem.text.size());  // the parsed key is all we keep
  ERR_clear_error();
  if (!key) {
    if (encrypted) {
      return fail(key_key + key_path +
                  " is protected by a passphrase; give the daemon an unencrypted key and protect "
                  "the file with its permissions");
    }
    return fail(key_key + key_path + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  X509* leaf = chain.front().get();
  if (X509_check_private_key(leaf, key.get()) != 1) {
    ERR_clear_error();
    return fail("server.tls: the private key in " + key_path +
                " does not belong to the certificate in " + cert_path +
                " (the first certificate of cert_file must be the server's own)");
  }

  Owned<SSL_CTX> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx || !apply_server_protocol(ctx.get())) {
    return fail("server.tls: cannot set up TLS: " + openssl_reason());
  }
  // The checks OpenSSL applies to a server certificate (key size and signature strength at its
  // security level) happen here, so a certificate it would refuse is refused at load time.
  if (SSL_CTX_use_certificate(ctx.get(), leaf) != 1) {
    return fail(cert_key + "the certificate in " + cert_path +
                " cannot be used: " + openssl_reason());
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx.get(), chain[i].get()) != 1) {
      return fail(cert_key + "certificate " + std::to_string(i + 1) + " in " + cert_path +
                  " cannot be used: " + openssl_reason());
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return fail(key_key + "the key in " + key_path + " cannot be used: " + openssl_reason());
  }

  result.certificate = {subject_of(leaf), serial_of(leaf), not_after_of(leaf),
                        X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0};
  result.context = std::make_shared<TlsContext>(ctx.release());
  return result;
}

}  // namespace slwd::http
