#include "slwd/events/timestamp.hpp"

namespace slwd::events {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Reads exactly `n` digits at s[at], advancing `at`.
std::optional<int> digits(std::string_view s, std::size_t& at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[at + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  at += n;
  return value;
}

bool take(std::string_view s, std::size_t& at, char c) {
  if (at < s.size() && s[at] == c) {
    ++at;
    return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  s = trim(s);
  std::size_t at = 0;
  const auto year = digits(s, at, 4);
  if (!year || !take(s, at, '-')) return std::nullopt;
  const auto month = digits(s, at, 2);
  if (!month || !take(s, at, '-')) return std::nullopt;
  const auto day = digits(s, at, 2);
  if (!day) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *day < 1) return std::nullopt;
  if (*day > kDays[*month - 1] + (*month == 2 && leap(*year) ? 1 : 0)) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millis = 0, offset_minutes = 0;
  if (at < s.size()) {
    if (!(take(s, at, 'T') || take(s, at, 't') || take(s, at, ' '))) return std::nullopt;
    const auto h = digits(s, at, 2);
    if (!h || !take(s, at, ':')) return std::nullopt;
    const auto m = digits(s, at, 2);
    if (!m) return std::nullopt;
    hour = *h;
    minute = *m;
    if (take(s, at, ':')) {
      const auto sec = digits(s, at, 2);
      if (!sec) return std::nullopt;
      second = *sec;
      if (take(s, at, '.') || take(s, at, ',')) {
        const std::size_t start = at;
        int scale = 100;
        for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, scale /= 10) {
          millis += (s[at] - '0') * scale;  // digits past milliseconds add 0
        }
        if (at == start) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;  // 60: a leap second
    if (take(s, at, 'Z') || take(s, at, 'z')) {
    } else if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
      const int sign = s[at] == '-' ? -1 : 1;
      ++at;
      const auto oh = digits(s, at, 2);
      if (!oh) return std::nullopt;
      int om = 0;
      if (at < s.size()) {
        take(s, at, ':');
        const auto mm = digits(s, at, 2);
        if (!mm) return std::nullopt;
        om = *mm;
      }
      if (*oh > 23 || om > 59) return std::nullopt;
      offset_minutes = sign * (*oh * 60 + om);
    }
    if (at != s.size()) return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000 + millis;
}

}  // namespace slwd::events
