#pragma once
// Internal to the events part: nlohmann's verdict on a body simdjson refused. simdjson names no
// byte position and differs at the edges (integers beyond 64 bits, a leading BOM), so whenever it
// refuses, the parser the contract was written against decides.
#include <string>
#include <string_view>

namespace slwd::events {

struct FallbackVerdict {
  std::string error;       // the refusal reason, or empty when nlohmann accepts the body
  std::string normalised;  // when accepted: the same document re-serialised, for simdjson
};

FallbackVerdict nlohmann_verdict(std::string_view body);

}  // namespace slwd::events
