#include "slwd/outbound/retry_after.hpp"

#include <array>
#include <chrono>
#include <limits>

namespace slwd::outbound {
namespace {

constexpr std::int64_t kMaxMs = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// delay-seconds = 1*DIGIT; saturates instead of overflowing (the caller caps it anyway).
std::optional<std::int64_t> parse_seconds(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
  }
  constexpr std::int64_t kMaxSeconds = kMaxMs / 1000;
  std::int64_t seconds = 0;
  for (char c : s) {
    const int digit = c - '0';
    if (seconds > (kMaxSeconds - digit) / 10) return kMaxMs;
    seconds = seconds * 10 + digit;
  }
  return seconds * 1000;
}

// A tiny cursor over the date text: each step either consumes what it expects or fails.
struct Cursor {
  std::string_view s;
  bool ok = true;

  bool literal(std::string_view expected) {
    if (ok && s.starts_with(expected)) {
      s.remove_prefix(expected.size());
    } else {
      ok = false;
    }
    return ok;
  }
  // Exactly `width` digits.
  int digits(std::size_t width) {
    if (!ok || s.size() < width) return ok = false, 0;
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      if (!is_digit(s[i])) return ok = false, 0;
      value = value * 10 + (s[i] - '0');
    }
    s.remove_prefix(width);
    return value;
  }
  // One of `names`, returning its index.
  template <std::size_t N>
  int one_of(const std::array<std::string_view, N>& names) {
    if (!ok) return 0;
    for (std::size_t i = 0; i < N; ++i) {
      if (s.starts_with(names[i])) {
        s.remove_prefix(names[i].size());
        return static_cast<int>(i);
      }
    }
    ok = false;
    return 0;
  }
};

constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
// Longest first where one name is a prefix of another ("Mon" / "Monday").
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

void time_of_day(Cursor& c, DateTime& t) {
  t.hour = c.digits(2);
  c.literal(":");
  t.minute = c.digits(2);
  c.literal(":");
  t.second = c.digits(2);
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<DateTime> imf_fixdate(std::string_view s) {
  Cursor c{s};
  DateTime t;
  c.one_of(kDays);
  c.literal(", ");
  t.day = c.digits(2);
  c.literal(" ");
  t.month = c.one_of(kMonths) + 1;
  c.literal(" ");
  t.year = c.digits(4);
  c.literal(" ");
  time_of_day(c, t);
  c.literal(" GMT");
  if (!c.ok || !c.s.empty()) return std::nullopt;
  return t;
}

// Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<DateTime> rfc850(std::string_view s) {
  Cursor c{s};
  DateTime t;
  c.one_of(kLongDays);
  c.literal(", ");
  t.day = c.digits(2);
  c.literal("-");
  t.month = c.one_of(kMonths) + 1;
  c.literal("-");
  const int yy = c.digits(2);
  t.year = yy < 70 ? 2000 + yy : 1900 + yy;
  c.literal(" ");
  time_of_day(c, t);
  c.literal(" GMT");
  if (!c.ok || !c.s.empty()) return std::nullopt;
  return t;
}

// Obsolete asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space)
std::optional<DateTime> asctime_date(std::string_view s) {
  Cursor c{s};
  DateTime t;
  c.one_of(kDays);
  c.literal(" ");
  t.month = c.one_of(kMonths) + 1;
  c.literal(" ");
  if (c.ok && c.s.starts_with(' ')) {
    c.literal(" ");
    t.day = c.digits(1);
  } else {
    t.day = c.digits(2);
  }
  c.literal(" ");
  time_of_day(c, t);
  c.literal(" ");
  t.year = c.digits(4);
  if (!c.ok || !c.s.empty()) return std::nullopt;
  return t;
}

std::optional<std::int64_t> epoch_ms(const DateTime& t) {
  using namespace std::chrono;
  const year_month_day date{year{t.year}, month{static_cast<unsigned>(t.month)},
                            day{static_cast<unsigned>(t.day)}};
  // 60 allows a leap second, which HTTP-date permits.
  if (!date.ok() || t.hour > 23 || t.minute > 59 || t.second > 60) return std::nullopt;
  const auto at = sys_days{date} + hours{t.hour} + minutes{t.minute} + seconds{t.second};
  return duration_cast<milliseconds>(at.time_since_epoch()).count();
}

}  // namespace

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_ms) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (is_digit(value.front())) return parse_seconds(value);

  auto date = imf_fixdate(value);
  if (!date) date = rfc850(value);
  if (!date) date = asctime_date(value);
  if (!date) return std::nullopt;
  const auto at = epoch_ms(*date);
  if (!at) return std::nullopt;
  return *at > now_ms ? *at - now_ms : 0;
}

}  // namespace slwd::outbound
