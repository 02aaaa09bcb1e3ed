#pragma once
// The OpenSSL server context of a TLS listener. Private to the http part: load_tls() builds it,
// each accepted connection starts its TLS session from it. Connections keep the context they
// were accepted with (their SSL object holds a reference to it), so a SIGHUP that installs a
// new certificate never disturbs a connection in flight.
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>

#include "slwd/http/tls.hpp"

namespace slwd::http {

class TlsContext {
 public:
  // Takes ownership of a fully configured context.
  explicit TlsContext(SSL_CTX* configured) : context_(configured) {}
  boost::asio::ssl::context& asio() { return context_; }

 private:
  boost::asio::ssl::context context_;
};

}  // namespace slwd::http
