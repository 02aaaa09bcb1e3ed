#pragma once
// Checking what the user typed for `smartlead webhooks ...` before anything is sent. A bad
// value is a usage error: one line on stderr and exit 2 (SPEC §2), like CLI11's own.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace slwd::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A positive decimal id ("--campaign must be a number: 'x'").
std::int64_t parse_id(const std::string& what, const std::string& text);

// Event types: known names or aliases (EMAIL_REPLIED -> EMAIL_REPLY), case-insensitive, or
// `all` for the 11; canonical, de-duplicated, in SmartLead's fixed order.
std::vector<std::string> parse_event_types(const std::vector<std::string>& items);

std::vector<std::int64_t> parse_categories(const std::vector<std::string>& items);

// The URL SmartLead will POST to: https, or http with --allow-http (a test or a tunnel).
void check_webhook_url(const std::string& what, const std::string& url, bool allow_http);

// --from / --to: an ISO-8601 date or date-time (2025-01-31, 2025-01-31T08:00:00Z,
// 2025-01-31T08:00:00.000+02:00), passed to SmartLead as typed.
void check_time(const std::string& what, const std::string& text);

}  // namespace slwd::cli
