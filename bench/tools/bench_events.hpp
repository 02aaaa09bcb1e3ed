#pragma once
// Event bodies for the tools: the daemon's own built-in samples (what `send --event` posts), made
// unique per delivery id so that `store.dedupe_body` never mistakes two events for one.
#include <string>
#include <string_view>

namespace slwd::bench {

// The sample body of `event_type` (a canonical name) with `"bench_id":"<id>"` as its first
// member. Throws std::invalid_argument for a type without a sample.
std::string unique_event_body(std::string_view event_type, const std::string& id);
// The `bench_id` a body carries ("" when none): the sink checks that what arrived is what was sent.
std::string bench_id_of(std::string_view body);

}  // namespace slwd::bench
