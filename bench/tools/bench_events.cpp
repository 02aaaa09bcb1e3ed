#include "bench_events.hpp"

#include <stdexcept>

#include "slwd/events/event.hpp"

namespace slwd::bench {
namespace {
constexpr std::string_view kIdMember = "{\"bench_id\":\"";
}

std::string unique_event_body(std::string_view event_type, const std::string& id) {
  auto sample = events::sample_body(event_type);
  if (!sample || sample->empty() || sample->front() != '{') {
    throw std::invalid_argument("no sample body for " + std::string(event_type));
  }
  // Ids are printable ASCII without quotes or backslashes (the tools make them), so no escaping.
  return std::string(kIdMember) + id + "\"," + sample->substr(1);
}

std::string bench_id_of(std::string_view body) {
  if (body.substr(0, kIdMember.size()) != kIdMember) return {};
  const auto end = body.find('"', kIdMember.size());
  if (end == std::string_view::npos) return {};
  return std::string(body.substr(kIdMember.size(), end - kIdMember.size()));
}

}  // namespace slwd::bench
