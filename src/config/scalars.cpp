#include "scalars.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "slwd/config/loader.hpp"

namespace slwd::config {
namespace detail {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Splits "123unit" into the number and the unit; nullopt when the number part is missing.
std::optional<std::pair<std::uint64_t, std::string_view>> split_number_unit(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  auto number = parse_uint(text.substr(0, digits));
  if (!number) return std::nullopt;
  return std::pair{*number, text.substr(digits)};
}

std::optional<std::uint64_t> checked_multiply(std::uint64_t value, std::uint64_t factor,
                                              std::uint64_t limit) {
  if (factor != 0 && value > limit / factor) return std::nullopt;
  return value * factor;
}

bool is_ipv4(std::string_view text) {
  std::string s(text);
  in_addr addr{};
  return inet_pton(AF_INET, s.c_str(), &addr) == 1;
}

bool is_ipv6(std::string_view text) {
  std::string s(text);
  in6_addr addr{};
  return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

bool is_hostname(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_';
  });
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Duration> parse_duration_allow_zero(std::string_view text) {
  auto split = split_number_unit(text);
  if (!split) return std::nullopt;
  auto [number, unit] = *split;
  std::uint64_t factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1000;
  else if (unit == "m")
    factor = 60 * 1000;
  else if (unit == "h")
    factor = 60 * 60 * 1000;
  else if (unit == "d")
    factor = 24 * 60 * 60 * 1000;
  else
    return std::nullopt;  // includes a missing unit: "10" is ambiguous, so it is refused
  auto ms = checked_multiply(number, factor,
                             static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max()));
  if (!ms) return std::nullopt;
  return Duration(static_cast<Duration::rep>(*ms));
}

std::optional<std::size_t> parse_size_allow_zero(std::string_view text) {
  auto split = split_number_unit(text);
  if (!split) return std::nullopt;
  auto [number, unit] = *split;
  std::uint64_t factor = 0;
  if (unit.empty())
    factor = 1;
  else if (unit == "KiB")
    factor = 1024;
  else if (unit == "MiB")
    factor = 1024 * 1024;
  else if (unit == "GiB")
    factor = 1024ull * 1024 * 1024;
  else
    return std::nullopt;  // KB/MB refused on purpose: 1000 or 1024 would be a guess
  auto bytes = checked_multiply(number, factor, std::numeric_limits<std::size_t>::max());
  if (!bytes) return std::nullopt;
  return static_cast<std::size_t>(*bytes);
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_uint(std::string_view text) {
  if (!all_digits(text)) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> parse_number(std::string_view text) {
  if (text.empty() || text.front() == '+') return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string check_listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return "use [v6-address]:port";
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!is_ipv6(host)) return "not an IPv6 address between the brackets";
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return "missing :port (use host:port)";
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty()) return "missing host (use 0.0.0.0:PORT for every interface)";
    if (host.find(':') != std::string_view::npos)
      return "an IPv6 address needs brackets: [::1]:8080";
    if (!is_hostname(host)) return "not a valid host";
  }
  auto number = parse_uint(port);
  if (!number || *number < 1 || *number > 65535) return "port must be 1..65535";
  return "";
}

std::string check_cidr(std::string_view text) {
  auto slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  bool v4 = is_ipv4(address);
  bool v6 = !v4 && is_ipv6(address);
  if (!v4 && !v6) return std::string(kNotAnAddress);
  if (slash == std::string_view::npos) return "";
  auto prefix = parse_uint(text.substr(slash + 1));
  unsigned max_prefix = v4 ? 32 : 128;
  if (!prefix || *prefix > max_prefix) {
    return "prefix length must be 0.." + std::to_string(max_prefix);
  }
  return "";
}

bool is_http_url(std::string_view text) {
  std::string_view rest;
  if (starts_with_nocase(text, "https://"))
    rest = text.substr(8);
  else if (starts_with_nocase(text, "http://"))
    rest = text.substr(7);
  else
    return false;
  // A host must follow the scheme, and no whitespace anywhere (it would be sent as-is).
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#')
    return false;
  return std::none_of(text.begin(), text.end(),
                      [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); });
}

bool is_redis_url(std::string_view text) {
  return (starts_with_nocase(text, "redis://") && text.size() > 8) ||
         (starts_with_nocase(text, "rediss://") && text.size() > 9) ||
         (starts_with_nocase(text, "unix://") && text.size() > 7);
}

bool is_header_name(std::string_view text) {
  static constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || kTokenPunct.find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 80;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kMax) out += "...";
  out += '"';
  return out;
}

}  // namespace detail

std::optional<Duration> parse_duration(std::string_view text) {
  auto value = detail::parse_duration_allow_zero(text);
  if (!value || value->count() == 0) return std::nullopt;
  return value;
}

std::optional<std::size_t> parse_size(std::string_view text) {
  auto value = detail::parse_size_allow_zero(text);
  if (!value || *value == 0) return std::nullopt;
  return value;
}

}  // namespace slwd::config
