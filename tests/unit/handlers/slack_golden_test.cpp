// Golden files: the exact payload the slack handler sends for every event fixture of every
// field generation (tests/fixtures/events/<generation>/<TYPE>.json ->
// tests/fixtures/slack/<generation>/<TYPE>.json). A change to any message shows up here as a
// diff to review. Regenerate after an intended change with
//   SLWD_UPDATE_GOLDEN=1 ./handlers_tests --gtest_filter='*SlackGolden*'
// and review the diff of tests/fixtures/slack before committing it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "../../../src/handlers/slack_payload.hpp"
#include "support/fake_slack.hpp"

namespace slwd::handlers::slack {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kEvents = fs::path(SLWD_FIXTURES_DIR) / "events";
const fs::path kGolden = fs::path(SLWD_FIXTURES_DIR) / "slack";

// Every field generation the event model reads (SPEC §5).
const char* const kGenerations[] = {"current", "legacy", "nested", "envelope"};

bool updating() {
  const char* v = std::getenv("SLWD_UPDATE_GOLDEN");
  return v && std::string(v) == "1";
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The handler's options in the goldens: an app_url, so events without their own link show the
// built one.
PayloadOptions golden_options() {
  PayloadOptions options;
  options.app_url = "https://app.smartlead.ai/";
  return options;
}

json render(const fs::path& fixture) {
  auto parsed = events::parse_event(read(fixture));
  EXPECT_TRUE(parsed.event) << fixture << ": " << parsed.error;
  if (!parsed.event) return nullptr;
  return build_payload(*parsed.event, "dlv-golden-1", golden_options());
}

class SlackGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(SlackGolden, EveryFixtureRendersExactlyItsGoldenFile) {
  const fs::path events_dir = kEvents / GetParam();
  const fs::path golden_dir = kGolden / GetParam();
  ASSERT_TRUE(fs::is_directory(events_dir)) << events_dir;
  if (updating()) fs::create_directories(golden_dir);
  std::set<std::string> expected;
  for (const auto& entry : fs::directory_iterator(events_dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string name = entry.path().filename().string();
    expected.insert(name);
    const json payload = render(entry.path());
    // Goldens are only worth reviewing if Slack would take them.
    EXPECT_EQ(test::FakeSlack::problem_with(serialize(payload)), "") << name;
    const fs::path golden = golden_dir / name;
    const std::string pretty = payload.dump(2, ' ', false) + "\n";
    if (updating()) {
      std::ofstream(golden, std::ios::binary) << pretty;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with SLWD_UPDATE_GOLDEN=1";
    const json want = json::parse(read(golden), nullptr, false);
    ASSERT_FALSE(want.is_discarded()) << golden << " is not JSON";
    EXPECT_EQ(payload, want) << GetParam() << "/" << name << " differs from its golden file.\n"
                             << "got:\n" << pretty << "want:\n" << want.dump(2);
  }
  EXPECT_FALSE(expected.empty());
  // A golden file without its fixture is stale.
  if (fs::is_directory(golden_dir)) {
    for (const auto& entry : fs::directory_iterator(golden_dir)) {
      EXPECT_TRUE(expected.count(entry.path().filename().string()))
          << entry.path() << " has no event fixture";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Generations, SlackGolden, ::testing::ValuesIn(kGenerations),
                         [](const auto& info) { return std::string(info.param); });

TEST(SlackGoldenCoverage, CurrentAndLegacyCoverEveryKnownType) {
  for (const char* generation : {"current", "legacy"}) {
    for (auto type : events::known_event_types()) {
      EXPECT_TRUE(fs::exists(kGolden / generation / (std::string(type) + ".json")))
          << generation << "/" << type;
    }
  }
}

}  // namespace
}  // namespace slwd::handlers::slack
