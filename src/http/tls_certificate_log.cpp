// What the log says about the certificate the listener serves: enough to confirm a rotation
// took (the serial changes) and to see an expiry coming, never anything secret.
#include "slwd/http/tls.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::http {

void log_certificate(const std::string& message, const TlsCertificateInfo& certificate) {
  ops::log(ops::Level::info, message,
           {{"subject", certificate.subject},
            {"serial", certificate.serial},
            {"not_after", certificate.not_after}});
  if (certificate.expired) {
    ops::log(ops::Level::warn, "the TLS certificate has expired: clients will refuse it",
             {{"subject", certificate.subject}, {"not_after", certificate.not_after}});
  }
}

}  // namespace slwd::http
