#pragma once
// server.tls (SPEC §3): the public listener's certificate chain and private key, read from the
// files the config names and checked the way the listener will serve them. The config part
// keeps the two paths as plain text; this is where they are opened, so `check-config`, `serve`
// and SIGHUP all judge a certificate by the same code. Asio and OpenSSL stay out of this header.
#include <memory>
#include <optional>
#include <string>

#include "slwd/config/loader.hpp"

namespace slwd::http {

// The OpenSSL server context a TLS listener hands to each new connection
// (src/http/tls_context.hpp).
class TlsContext;

// What an operator needs to tell two certificates apart in the log (never key material).
struct TlsCertificateInfo {
  std::string subject;    // "CN=hooks.example.com"
  std::string serial;     // hex, as `openssl x509 -serial` prints it
  std::string not_after;  // "2026-09-01T12:00:00Z"
  bool expired = false;   // served all the same (as nginx does), but worth a warning
};

struct TlsLoad {
  std::shared_ptr<TlsContext> context;  // null when the config has no server.tls, or on error
  TlsCertificateInfo certificate;
  // "FILE:LINE: message" at the `tls` key. Names the files and OpenSSL's reason, never content.
  std::optional<config::ConfigError> error;
};

// Reads server.tls's cert_file (PEM: the certificate, then any intermediates) and key_file
// (PEM, unencrypted), checks that the key belongs to the certificate and that OpenSSL accepts
// both for a TLS 1.2+ server. No server.tls: an empty result (plain HTTP).
TlsLoad load_tls(const config::Config& config);

// One info line naming the certificate now served (a warning too when it has expired).
void log_certificate(const std::string& message, const TlsCertificateInfo& certificate);

}  // namespace slwd::http
