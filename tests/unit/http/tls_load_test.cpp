// load_tls(): which certificate/key files the listener accepts, and how it reports the others
// (FILE:LINE at the `tls` key, the path and the reason, never the key). Certificates are made
// here with OpenSSL, so every case is exactly the file it claims to be.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "slwd/http/tls.hpp"

namespace slwd::http {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

Key ec_key() {
  return Key(EVP_EC_gen("P-256"));
}

// Self-signed unless an issuer is given; validity in days relative to now.
Cert make_cert(EVP_PKEY* key, const std::string& cn, long serial, long from_days = -1,
               long to_days = 30, X509* issuer = nullptr, EVP_PKEY* issuer_key = nullptr) {
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), to_days * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256());
  return cert;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pem(X509* cert) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_text(bio.get());
}

std::string pem(EVP_PKEY* key, const char* passphrase = nullptr) {
  std::unique_ptr<BIO, Free> bio(BIO_new(BIO_s_mem()));
  if (passphrase) {
    PEM_write_bio_PrivateKey(bio.get(), key, EVP_aes_128_cbc(),
                             reinterpret_cast<const unsigned char*>(passphrase),
                             static_cast<int>(std::strlen(passphrase)), nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  return bio_text(bio.get());
}

class TlsLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "slwd-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    key_ = ec_key();
    cert_ = make_cert(key_.get(), "localhost", 0x1234ABCD);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  TlsLoad load(const std::string& cert_file, const std::string& key_file) {
    config_.source = "/etc/slwd/config.yaml";
    config_.server.tls = config::TlsConfig{cert_file, key_file, 7};
    return load_tls(config_);
  }

  std::string error_of(const TlsLoad& result) {
    EXPECT_FALSE(result.context);
    return result.error ? result.error->to_string() : "(no error)";
  }

  std::filesystem::path dir_;
  Key key_;
  Cert cert_;
  config::Config config_;
};

TEST_F(TlsLoadTest, NoTlsSectionMeansPlainHttp) {
  auto result = load_tls(config_);
  EXPECT_FALSE(result.context);
  EXPECT_FALSE(result.error);
}

TEST_F(TlsLoadTest, AMatchingPairLoadsAndIsDescribed) {
  auto result = load(write("c.pem", pem(cert_.get())), write("k.pem", pem(key_.get())));
  ASSERT_FALSE(result.error) << result.error->to_string();
  EXPECT_TRUE(result.context);
  EXPECT_EQ(result.certificate.subject, "CN=localhost");
  EXPECT_EQ(result.certificate.serial, "1234ABCD");
  EXPECT_EQ(result.certificate.not_after.size(), std::string("2026-09-01T12:00:00Z").size());
  EXPECT_FALSE(result.certificate.expired);
}

TEST_F(TlsLoadTest, AChainWithIntermediatesAndACombinedFileLoad) {
  Key ca_key = ec_key();
  Cert ca = make_cert(ca_key.get(), "Test CA", 1);
  Cert leaf = make_cert(key_.get(), "hooks.example.com", 2, -1, 30, ca.get(), ca_key.get());
  auto chain = write("chain.pem", pem(leaf.get()) + pem(ca.get()));
  auto result = load(chain, write("k.pem", pem(key_.get())));
  ASSERT_FALSE(result.error) << result.error->to_string();
  EXPECT_EQ(result.certificate.subject, "CN=hooks.example.com");

  // key + certificate in one file, key first, named as both
  auto both = write("both.pem", pem(key_.get()) + pem(leaf.get()));
  EXPECT_FALSE(load(both, both).error);
}

TEST_F(TlsLoadTest, AnExpiredCertificateLoadsButIsFlagged) {
  Cert old = make_cert(key_.get(), "localhost", 3, -30, -1);
  auto result = load(write("c.pem", pem(old.get())), write("k.pem", pem(key_.get())));
  ASSERT_FALSE(result.error);
  EXPECT_TRUE(result.certificate.expired);
}

TEST_F(TlsLoadTest, MissingAndUnreadableFilesNameThePathAtTheTlsLine) {
  auto key = write("k.pem", pem(key_.get()));
  auto cert = write("c.pem", pem(cert_.get()));
  auto missing = (dir_ / "nope.pem").string();
  EXPECT_EQ(error_of(load(missing, key)),
            "/etc/slwd/config.yaml:7: server.tls.cert_file: cannot read \"" + missing +
                "\": No such file or directory");
  EXPECT_EQ(error_of(load(cert, missing)),
            "/etc/slwd/config.yaml:7: server.tls.key_file: cannot read \"" + missing +
                "\": No such file or directory");
  EXPECT_EQ(error_of(load(dir_.string(), key)),
            "/etc/slwd/config.yaml:7: server.tls.cert_file: cannot read \"" + dir_.string() +
                "\": is a directory");
}

TEST_F(TlsLoadTest, FilesThatAreNotPemSayWhatWasExpected) {
  auto key = write("k.pem", pem(key_.get()));
  auto cert = write("c.pem", pem(cert_.get()));
  auto text = write("notes.txt", "hello\n");
  EXPECT_EQ(error_of(load(text, key)),
            "/etc/slwd/config.yaml:7: server.tls.cert_file: \"" + text +
                "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  // cert and key swapped: the certificate file has no key in it
  EXPECT_EQ(error_of(load(key, cert)),
            "/etc/slwd/config.yaml:7: server.tls.cert_file: \"" + key +
                "\" holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  EXPECT_EQ(error_of(load(cert, cert)),
            "/etc/slwd/config.yaml:7: server.tls.key_file: \"" + cert +
                "\" holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
}

TEST_F(TlsLoadTest, AKeyOfAnotherCertificateIsRefusedWithoutShowingEitherKey) {
  Key other = ec_key();
  std::string other_pem = pem(other.get());
  auto cert = write("c.pem", pem(cert_.get()));
  auto key = write("other.pem", other_pem);
  std::string message = error_of(load(cert, key));
  EXPECT_EQ(message, "/etc/slwd/config.yaml:7: server.tls: the private key in \"" + key +
                         "\" does not belong to the certificate in \"" + cert +
                         "\" (the first certificate of cert_file must be the server's own)");
  // not one line of the key's base64
  std::istringstream lines(other_pem);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("-----")) continue;
    EXPECT_EQ(message.find(line), std::string::npos);
  }
}

TEST_F(TlsLoadTest, AnEncryptedKeyIsRefusedWithoutAskingForItsPassphrase) {
  auto cert = write("c.pem", pem(cert_.get()));
  auto key = write("k.pem", pem(key_.get(), "correct horse"));
  EXPECT_EQ(error_of(load(cert, key)),
            "/etc/slwd/config.yaml:7: server.tls.key_file: \"" + key +
                "\" is protected by a passphrase; give the daemon an unencrypted key and protect "
                "the file with its permissions");
}

TEST_F(TlsLoadTest, ACertificateOpenSslWouldNotServeIsRefusedAtLoad) {
  // 512-bit RSA is below every OpenSSL security level: a handshake would fail on it.
  Key weak(EVP_RSA_gen(512));
  ASSERT_TRUE(weak);
  Cert cert = make_cert(weak.get(), "localhost", 4);
  auto message = error_of(load(write("c.pem", pem(cert.get())), write("k.pem", pem(weak.get()))));
  EXPECT_TRUE(
      message.starts_with("/etc/slwd/config.yaml:7: server.tls.cert_file: the certificate in"))
      << message;
  EXPECT_NE(message.find("cannot be used: ee key too small"), std::string::npos) << message;
}

}  // namespace
}  // namespace slwd::http
