#pragma once
// HMAC-SHA256 signatures of raw bodies (SPEC §4 row 6). Never log what these return.
#include <string>
#include <string_view>
#include <vector>

namespace slwd::security {

// Lowercase hex of HMAC-SHA256(key, data).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Lowercase hex of SHA-256(data).
std::string sha256_hex(std::string_view data);
// "sha256=" + hmac_sha256_hex(secret, body): what SmartLead sends and `sign` prints.
std::string signature_header(std::string_view secret, std::string_view body);

// True when header_value is "sha256=" (any case) + 64 hex digits (any case) equal to the
// HMAC of body under any one of secrets. Constant-time in the digest comparison.
bool signature_matches(std::string_view header_value, std::string_view body,
                       const std::vector<std::string>& secrets);

// Constant-time equality for secrets of possibly different lengths.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace slwd::security
