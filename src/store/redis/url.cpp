// parse_redis_url: the two URL forms store.redis.url accepts. The URL carries the password, so
// no error message here ever quotes the URL or its userinfo; only the parts after the '@' (host,
// port, db) may be named.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slwd/store/redis/client.hpp"

namespace slwd::store::redis {
namespace {

constexpr std::string_view kRedisScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding (passwords often hold '@', ':' or '/', which must be escaped).
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

template <typename Int>
bool parse_number(std::string_view text, Int max, Int& out) {
  if (text.empty() || text.size() > 10) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;  // from_chars would accept a sign
  }
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) return false;
  out = value;
  return true;
}

bool parse_db(std::string_view text, int& db, std::string& error) {
  if (!parse_number<int>(text, 1'000'000, db)) {
    error = "redis URL: database must be a number >= 0, got '" + std::string(text) + "'";
    return false;
  }
  return true;
}

// "[user]:password" before the '@'. Errors never include the text itself.
bool parse_userinfo(std::string_view info, RedisUrl& url, std::string& error) {
  auto colon = info.find(':');
  if (colon == std::string_view::npos) {
    error = "redis URL: credentials must be written user:password@ or :password@";
    return false;
  }
  if (!percent_decode(info.substr(0, colon), url.username)) {
    error = "redis URL: bad percent-escape in the username";
    return false;
  }
  if (!percent_decode(info.substr(colon + 1), url.password)) {
    error = "redis URL: bad percent-escape in the password";
    return false;
  }
  if (url.password.empty()) {
    error = "redis URL: empty password after ':'";
    return false;
  }
  return true;
}

// unix://: the userinfo, if any, sits before the path's leading '/' (a socket path may hold '@').
bool split_unix_userinfo(std::string_view& rest, RedisUrl& url, std::string& error) {
  std::string_view authority = rest.substr(0, rest.find('/'));
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return true;
  if (!parse_userinfo(authority.substr(0, at), url, error)) return false;
  rest.remove_prefix(at + 1);
  return true;
}

bool parse_tcp(std::string_view rest, RedisUrl& url, std::string& error) {
  // Host, port and db never contain '@', so the userinfo runs to the last one: a password with an
  // unescaped '@', ':' or '/' still parses.
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    if (!parse_userinfo(rest.substr(0, at), url, error)) return false;
    rest.remove_prefix(at + 1);
  }
  if (rest.find('?') != std::string_view::npos) {
    error = "redis URL: query parameters are not supported for redis:// (put the db in the path)";
    return false;
  }
  std::string_view hostport = rest.substr(0, rest.find('/'));
  std::string_view path =
      rest.size() > hostport.size() ? rest.substr(hostport.size() + 1) : std::string_view{};

  std::string_view host;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    auto close = hostport.find(']');
    if (close == std::string_view::npos) {
      error = "redis URL: missing ']' after an IPv6 address";
      return false;
    }
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        error = "redis URL: expected ':port' after ']'";
        return false;
      }
      port = after.substr(1);
      if (port.empty()) {
        error = "redis URL: empty port";
        return false;
      }
    }
  } else {
    auto colon = hostport.find(':');
    host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.empty()) {
        error = "redis URL: empty port";
        return false;
      }
    }
  }
  if (host.empty()) {
    error = "redis URL: missing host";
    return false;
  }
  url.host = std::string(host);
  if (!port.empty()) {
    std::uint16_t value = 0;
    if (!parse_number<std::uint16_t>(port, 65535, value) || value == 0) {
      error = "redis URL: port must be 1..65535, got '" + std::string(port) + "'";
      return false;
    }
    url.port = value;
  }
  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos) {
      error = "redis URL: the path must be just the database number";
      return false;
    }
    if (!parse_db(path, url.db, error)) return false;
  }
  return true;
}

bool parse_unix(std::string_view rest, RedisUrl& url, std::string& error) {
  // unix://[[user]:password@]/path/to.sock[?db=N]
  if (!split_unix_userinfo(rest, url, error)) return false;
  // After userinfo, whatever precedes the '/' would be a host, which unix:// has none of.
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest.front() != '/') {
    error = "redis URL: unix:// needs an absolute socket path (unix:///run/redis.sock)";
    return false;
  }
  url.unix_path = std::string(rest);
  url.host.clear();
  url.port = 0;
  if (!query.empty()) {
    if (query.substr(0, 3) != "db=") {
      error = "redis URL: the only query parameter unix:// takes is db=N";
      return false;
    }
    if (!parse_db(query.substr(3), url.db, error)) return false;
  }
  return true;
}

}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view text, std::string& error) {
  error.clear();
  RedisUrl url;
  bool ok = false;
  if (text.substr(0, kRedisScheme.size()) == kRedisScheme) {
    ok = parse_tcp(text.substr(kRedisScheme.size()), url, error);
  } else if (text.substr(0, kUnixScheme.size()) == kUnixScheme) {
    ok = parse_unix(text.substr(kUnixScheme.size()), url, error);
  } else if (text.substr(0, 9) == "rediss://") {
    error = "redis URL: TLS (rediss://) is not supported";
  } else {
    error = "redis URL: must start with redis:// or unix://";
  }
  if (!ok) return std::nullopt;
  return url;
}

}  // namespace slwd::store::redis
