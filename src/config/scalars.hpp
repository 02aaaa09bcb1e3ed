#pragma once
// Pure text -> value parsing for config scalars (no YAML, no error collection): the schema walk
// calls these after ${VAR} substitution and words the error itself.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slwd/config/config.hpp"

namespace slwd::config::detail {

// Like parse_duration/parse_size but a zero is returned, not refused, so the caller can say
// "must be greater than 0" instead of "is not a duration".
std::optional<Duration> parse_duration_allow_zero(std::string_view text);
std::optional<std::size_t> parse_size_allow_zero(std::string_view text);

std::optional<bool> parse_bool(std::string_view text);
// Plain decimal digits only (no sign, no 0x), so "1e3" or "-1" are rejected rather than guessed.
std::optional<std::uint64_t> parse_uint(std::string_view text);
// A finite decimal number.
std::optional<double> parse_number(std::string_view text);

// "" when fine, else why not (without echoing the value).
std::string check_listen_address(std::string_view text);
inline constexpr std::string_view kNotAnAddress = "not an IP address";
std::string check_cidr(std::string_view text);  // kNotAnAddress or a prefix length problem
bool is_http_url(std::string_view text);
bool is_redis_url(std::string_view text);
// RFC 9110 token (header field names).
bool is_header_name(std::string_view text);

// The value in double quotes, control characters escaped and long values shortened, for messages.
std::string quoted(std::string_view text);

}  // namespace slwd::config::detail
