#pragma once
// URL pieces for the SmartLead API client: query encoding, and keeping the API key out of
// anything we print (it travels as a query parameter, so every URL carries it).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slwd::cli {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding of everything but the unreserved characters, so '+' in a time
// offset or '&' in a key cannot change the query's meaning.
std::string percent_encode(std::string_view text);

// "?a=1&b=2" (empty when there is nothing to add).
std::string query_string(const QueryParams& params);

// `text` with every occurrence of `secret` (raw and percent-encoded) replaced by "***".
std::string redact(std::string text, std::string_view secret);

// The base URL without trailing slashes ("https://x/api/v1/" -> "https://x/api/v1").
std::string trim_base_url(std::string_view base_url);

// "https://hooks.example.com/prefix/" + "/webhooks/smartlead" ->
// "https://hooks.example.com/prefix/webhooks/smartlead".
std::string join_url(std::string_view base, std::string_view path);

// True for an http:// or https:// URL (case-insensitive scheme) with a non-empty host.
bool is_http_url(std::string_view url);
bool is_https_url(std::string_view url);

}  // namespace slwd::cli
