#pragma once
// The decision for one request (DESIGN §3, SPEC §4 rows 3-7 and the delivery id rules):
// a pure function of the config snapshot, the request and the clock.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "slwd/config/config.hpp"
#include "slwd/http/client_address.hpp"
#include "slwd/http/request.hpp"
#include "slwd/store/store.hpp"

namespace slwd::http {

// Accepted: record it; answer 200 received / 200 already_processed / 503 from the store result.
struct Accept {
  store::Delivery delivery;
};

// Authentic but unparseable: quarantine it; answer `response` (400) once stored, 503 if not.
struct Quarantine {
  store::QuarantineItem item;
  Response response;
};

using Decision = std::variant<Response, Accept, Quarantine>;

// SPEC §4: "Delivery id = X-Request-Id ..." (absent/empty: sha256:<hex of body>; longer than
// 128 bytes or not printable ASCII: sha256:<hex of the header value>).
std::string delivery_id_for(const std::optional<std::string>& request_id, std::string_view body);

class Receiver {
 public:
  explicit Receiver(std::shared_ptr<const config::Config> config);

  // Rows 3, 4 and 5 (by Content-Length), decided on the head before the body is read.
  // nullopt = go on and read the body.
  std::optional<Response> check_head(const RequestHead& head) const;

  // Rows 6 and 7 on the whole body, then the Delivery to record (with its routed handlers).
  Decision decide(const RequestHead& head, std::string body, std::int64_t now_ms) const;

  const config::Config& config() const { return *config_; }
  // server.trusted_proxies, parsed once per config snapshot (for the client address in logs).
  const TrustedProxies& trusted_proxies() const { return proxies_; }

 private:
  std::shared_ptr<const config::Config> config_;
  TrustedProxies proxies_;
};

// The path part of a request-target ("/a?b" -> "/a").
std::string_view target_path(std::string_view target);

}  // namespace slwd::http
