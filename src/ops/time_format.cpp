#include "slwd/ops/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace slwd::ops {

std::string iso8601_ms(std::int64_t ms) {
  // Floor division: -500 ms is 1969-12-31T23:59:59.500Z, not "00:00:00.-500Z".
  std::int64_t whole = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  std::time_t secs = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms - whole * 1000));
  return buf;
}

}  // namespace slwd::ops
