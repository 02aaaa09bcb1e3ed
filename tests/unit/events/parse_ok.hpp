#pragma once
// For the events tests: the event of a body that must parse (a failed expectation, and an empty
// Event, when it does not).
#include <gtest/gtest.h>

#include <string_view>

#include "slwd/events/event.hpp"

namespace slwd::events::testing {

inline Event parse_ok(std::string_view body) {
  ParseResult r = parse_event(body);
  EXPECT_TRUE(r.event.has_value()) << body << ": " << r.error;
  return r.event ? *r.event : Event{};
}

}  // namespace slwd::events::testing
