#include "slwd/http/client_address.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <variant>

namespace slwd::http {

namespace ip = boost::asio::ip;

struct TrustedProxies::Networks {
  std::vector<std::variant<ip::network_v4, ip::network_v6>> list;
};

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<ip::address> parse_address(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(trim(text)), ec);
  if (ec) return std::nullopt;
  // An IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d: compare it as IPv4.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& cidrs)
    : networks_(std::make_unique<Networks>()) {
  for (const auto& text : cidrs) {
    boost::system::error_code ec;
    std::string cidr = text.find('/') == std::string::npos
                           ? text + (text.find(':') == std::string::npos ? "/32" : "/128")
                           : text;
    if (cidr.find(':') == std::string::npos) {
      auto net = ip::make_network_v4(cidr, ec);
      if (!ec) networks_->list.emplace_back(net.canonical());
    } else {
      auto net = ip::make_network_v6(cidr, ec);
      if (!ec) networks_->list.emplace_back(net.canonical());
    }
  }
}

TrustedProxies::~TrustedProxies() = default;
TrustedProxies::TrustedProxies(TrustedProxies&&) noexcept = default;
TrustedProxies& TrustedProxies::operator=(TrustedProxies&&) noexcept = default;

bool TrustedProxies::contains(std::string_view address) const {
  auto a = parse_address(address);
  if (!a) return false;
  for (const auto& net : networks_->list) {
    if (const auto* v4 = std::get_if<ip::network_v4>(&net)) {
      if (a->is_v4() && ip::make_network_v4(a->to_v4(), v4->prefix_length()).canonical() == *v4) return true;
    } else if (const auto* v6 = std::get_if<ip::network_v6>(&net)) {
      if (a->is_v6() && ip::make_network_v6(a->to_v6(), v6->prefix_length()).canonical() == *v6) return true;
    }
  }
  return false;
}

std::string client_address(std::string_view peer, const std::optional<std::string>& forwarded_for,
                           const TrustedProxies& proxies) {
  if (!forwarded_for || !proxies.contains(peer)) return std::string(peer);
  // Walk from the nearest hop outwards: each hop appended by a proxy we trust is believable; the
  // first one that is not a trusted proxy is the client. Anything further left is client-made.
  std::string_view hops = *forwarded_for;
  std::string_view candidate = peer;
  while (!hops.empty()) {
    auto comma = hops.rfind(',');
    std::string_view hop = trim(comma == std::string_view::npos ? hops : hops.substr(comma + 1));
    hops = comma == std::string_view::npos ? std::string_view() : hops.substr(0, comma);
    if (!parse_address(hop)) break;  // garbage: stop at the last hop we could trust
    candidate = hop;
    if (!proxies.contains(hop)) break;
  }
  return std::string(trim(candidate));
}

}  // namespace slwd::http
