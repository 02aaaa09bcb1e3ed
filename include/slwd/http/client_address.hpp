#pragma once
// The client address for logs (SPEC §4): the peer, or — when the peer is a trusted proxy — the
// last hop of X-Forwarded-For that is not itself a trusted proxy.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slwd::http {

class TrustedProxies {
 public:
  // CIDRs ("10.0.0.0/8", "::1/128") or bare addresses; invalid entries are ignored (the config
  // loader has already refused them).
  explicit TrustedProxies(const std::vector<std::string>& cidrs);
  ~TrustedProxies();
  TrustedProxies(TrustedProxies&&) noexcept;
  TrustedProxies& operator=(TrustedProxies&&) noexcept;

  bool contains(std::string_view address) const;

 private:
  struct Networks;
  std::unique_ptr<Networks> networks_;
};

// `peer` is the socket's remote address as text.
std::string client_address(std::string_view peer, const std::optional<std::string>& forwarded_for,
                           const TrustedProxies& proxies);

}  // namespace slwd::http
