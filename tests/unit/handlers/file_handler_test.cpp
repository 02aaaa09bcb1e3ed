// The `file` handler (SPEC §6): one JSON line per event, in order, appended.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "handler_test_support.hpp"

namespace slwd::handlers::test {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(FileHandler, WritesOneLinePerEventWithTheSpecFields) {
  TempDir dir;
  auto config = handler_config("file", "audit");
  config.path = dir.path("sub/events.jsonl");  // the directory is created
  auto handler = make(config);

  auto with_level = work_item("d-1", "{ \"event_type\": \"EMAIL_REPLY\",\n \"n\": 1 }");
  auto without_level = work_item("d-\"2\"", "{\"event_type\":\"EMAIL_OPEN\"}", "EMAIL_OPEN", "");
  auto outcomes = deliver(*handler, {with_level, without_level});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;

  const std::string text = read_file(config.path);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 2u);
  // The body is re-emitted compact, as a JSON value, not as a string.
  EXPECT_EQ(lines[0],
            "{\"delivery_id\":\"d-1\",\"event_type\":\"EMAIL_REPLY\","
            "\"received_at\":\"2023-11-14T22:13:20.123Z\",\"level\":\"campaign\","
            "\"endpoint\":\"/webhooks/smartlead\",\"event\":{\"event_type\":\"EMAIL_REPLY\","
            "\"n\":1}}");
  auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["delivery_id"], "d-\"2\"");
  EXPECT_TRUE(second["level"].is_null());
  EXPECT_EQ(second["event"]["event_type"], "EMAIL_OPEN");

  // A second handler on the same file appends.
  auto again = make(config);
  deliver(*again, {work_item("d-3", "{}")});
  EXPECT_EQ(lines_of(read_file(config.path)).size(), 3u);
}

TEST(FileHandler, UnwritablePathIsRefusedAtStart) {
  auto config = handler_config("file", "audit");
  config.path = "/proc/slwd-cannot-create/events.jsonl";
  EXPECT_THROW(make(config), std::runtime_error);
}

}  // namespace
}  // namespace slwd::handlers::test
