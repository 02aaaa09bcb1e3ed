#include "slwd/http/client_address.hpp"

#include <gtest/gtest.h>

namespace slwd::http {
namespace {

TEST(ClientAddress, ThePeerWhenItIsNoTrustedProxy) {
  TrustedProxies proxies({"127.0.0.1/32"});
  EXPECT_EQ(client_address("203.0.113.9", std::string("198.51.100.1"), proxies), "203.0.113.9");
  EXPECT_EQ(client_address("127.0.0.1", std::nullopt, proxies), "127.0.0.1");
}

TEST(ClientAddress, TheLastUntrustedHopBehindTrustedProxies) {
  TrustedProxies proxies({"127.0.0.1/32", "10.0.0.0/8"});
  // client, then a spoofed hop the client wrote itself, then our load balancer 10.1.2.3
  EXPECT_EQ(client_address("127.0.0.1", std::string("6.6.6.6, 198.51.100.7, 10.1.2.3"), proxies),
            "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", std::string("198.51.100.7"), proxies), "198.51.100.7");
  EXPECT_EQ(client_address("::ffff:127.0.0.1", std::string("198.51.100.7"), proxies), "198.51.100.7");
}

TEST(ClientAddress, GarbageAndAllTrustedChainsStopSafely) {
  TrustedProxies proxies({"127.0.0.1", "::1"});
  EXPECT_EQ(client_address("127.0.0.1", std::string("not-an-ip, 198.51.100.7"), proxies), "198.51.100.7");
  EXPECT_EQ(client_address("127.0.0.1", std::string("198.51.100.7, junk"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address("::1", std::string("127.0.0.1"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address("::1", std::string("2001:db8::5"), proxies), "2001:db8::5");
}

TEST(TrustedProxies, CidrMembership) {
  TrustedProxies proxies({"192.168.0.0/16", "2001:db8::/32", "bad"});
  EXPECT_TRUE(proxies.contains("192.168.44.1"));
  EXPECT_FALSE(proxies.contains("192.169.0.1"));
  EXPECT_TRUE(proxies.contains("2001:db8:1::1"));
  EXPECT_FALSE(proxies.contains("2001:db9::1"));
  EXPECT_FALSE(proxies.contains("nonsense"));
}

}  // namespace
}  // namespace slwd::http
