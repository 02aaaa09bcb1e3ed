#include "smartlead_input.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>

#include "slwd/events/event.hpp"
#include "smartlead_url.hpp"

namespace slwd::cli {
namespace {

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  auto end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string known_list() {
  std::string out;
  for (auto name : events::known_event_types()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

std::int64_t parse_id(const std::string& what, const std::string& text) {
  std::int64_t id = 0;
  const std::string t = trim(text);
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || id <= 0 ||
      !std::isdigit(static_cast<unsigned char>(t.front()))) {
    throw UsageError(what + " must be a positive number: '" + text + "'");
  }
  return id;
}

std::vector<std::string> parse_event_types(const std::vector<std::string>& items) {
  std::vector<std::string> wanted;
  for (const auto& raw : items) {
    const std::string item = upper(trim(raw));
    if (item.empty()) throw UsageError("--events: empty event type");
    if (item == "ALL") {
      for (auto name : events::known_event_types()) wanted.emplace_back(name);
      continue;
    }
    auto canonical = events::canonical_event_type(item);
    if (!canonical) {
      throw UsageError("--events: unknown event type '" + trim(raw) + "' (known: " +
                       known_list() + ", or all)");
    }
    wanted.emplace_back(*canonical);
  }
  std::vector<std::string> ordered;
  for (auto name : events::known_event_types()) {
    if (std::find(wanted.begin(), wanted.end(), name) != wanted.end()) ordered.emplace_back(name);
  }
  return ordered;
}

std::vector<std::int64_t> parse_categories(const std::vector<std::string>& items) {
  std::vector<std::int64_t> ids;
  for (const auto& item : items) {
    auto id = parse_id("--categories", item);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

void check_webhook_url(const std::string& what, const std::string& url, bool allow_http) {
  if (is_https_url(url)) return;
  if (is_http_url(url)) {
    if (allow_http) return;
    throw UsageError(what + " must be https (SmartLead posts events with lead data to it); "
                     "pass --allow-http to use http anyway");
  }
  throw UsageError(what + " must be an https:// URL: '" + url + "'");
}

void check_time(const std::string& what, const std::string& text) {
  static const std::regex iso(
      R"(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?)?)");
  if (!std::regex_match(text, iso)) {
    throw UsageError(what + " must be an ISO-8601 time such as 2025-01-31T00:00:00Z: '" + text +
                     "'");
  }
}

}  // namespace slwd::cli
