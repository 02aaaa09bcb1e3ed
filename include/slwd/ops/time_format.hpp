#pragma once
// One timestamp format everywhere the daemon writes time (logs, file handler lines, dead
// letters, quarantine): ISO-8601 UTC with milliseconds, "2026-11-27T08:18:50.123Z".
#include <cstdint>
#include <string>

namespace slwd::ops {

std::string iso8601_ms(std::int64_t ms_since_epoch);

}  // namespace slwd::ops
