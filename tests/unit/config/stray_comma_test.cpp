// Found by the config fuzz target (tests/fuzz/regressions/config/): yaml-cpp 0.7's LoadAll
// loops forever, allocating, on a stray ',' after a flow collection or alone (jbeder/yaml-cpp
// #1040), so one mistyped comma hung check-config, serve and every SIGHUP reload. Before the
// fix these tests never return (ctest's timeout fails them); now each is one error at its line.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace slwd::config {
namespace {

using test::load;
using test::messages;

constexpr const char* kStrayComma = "test.yaml:{}: YAML syntax error: unexpected ',' outside a flow collection";

std::string at_line(int line) {
  std::string text = kStrayComma;
  return text.replace(text.find("{}"), 2, std::to_string(line));
}

TEST(StrayCommaTest, ACommaAloneIsASyntaxError) {
  EXPECT_EQ(messages(load(",")), std::vector<std::string>{at_line(1)});
  EXPECT_EQ(messages(load(" , in file order.\n")), std::vector<std::string>{at_line(1)});
}

TEST(StrayCommaTest, ACommaAfterAFlowCollectionIsASyntaxErrorAtItsLine) {
  EXPECT_EQ(messages(load("{endpoints: [], handlers: []}\n\n,\n")), std::vector<std::string>{at_line(3)});
  EXPECT_EQ(messages(load("[server]\n,")), std::vector<std::string>{at_line(2)});
}

TEST(StrayCommaTest, ASecondDocumentIsStillNamedAsSuch) {
  EXPECT_EQ(messages(load("server: {}\n---\nserver: {}\n")),
            std::vector<std::string>{R"(test.yaml:3: only one YAML document is allowed (found a second "---"))"});
}

}  // namespace
}  // namespace slwd::config
