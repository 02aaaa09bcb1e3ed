#pragma once
// Nesting-depth pre-scan, run before the JSON parser so that a hostile 10,000-deep body is
// refused in one linear pass instead of recursing and allocating inside the parser.
#include <cstddef>
#include <string_view>

namespace slwd::events {

// The deepest nesting allowed (SPEC §4 row 7): the top-level object is depth 1.
inline constexpr std::size_t kMaxJsonDepth = 64;

// True when no '{' or '[' outside a string opens a level deeper than max_depth. Brackets inside
// strings (escapes included) are skipped; nothing else is validated — that is the parser's job.
bool json_depth_within(std::string_view text, std::size_t max_depth = kMaxJsonDepth) noexcept;

}  // namespace slwd::events
