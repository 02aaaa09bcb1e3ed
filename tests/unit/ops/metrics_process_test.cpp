// Process metrics read from /proc at scrape time, and the build info series.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>

#include "slwd/ops/metrics.hpp"
#include "slwd/version.hpp"

namespace slwd::ops {
namespace {

// series (name plus labels) -> value, from an exposition.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

TEST(ProcessMetrics, ArePresentAndPlausible) {
  Metrics m;
  register_process_metrics(m);
  auto s = samples(m.render());

  EXPECT_GT(s.at("process_resident_memory_bytes"), 1024.0 * 1024);
  EXPECT_GE(s.at("process_virtual_memory_bytes"), s.at("process_resident_memory_bytes"));
  EXPECT_GE(s.at("process_open_fds"), 3);  // stdin, stdout, stderr
  EXPECT_GT(s.at("process_max_fds"), s.at("process_open_fds"));
  EXPECT_GE(s.at("process_cpu_seconds_total"), 0);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(s.at("process_start_time_seconds"), now + 1);
  EXPECT_GT(s.at("process_start_time_seconds"), now - 3600);  // this test binary is young
  EXPECT_EQ(s.at(std::string("smartlead_build_info{version=\"") + kVersion + "\"}"), 1);
}

TEST(ProcessMetrics, OpenFdsFollowsTheProcess) {
  Metrics m;
  register_process_metrics(m);
  double before = samples(m.render()).at("process_open_fds");
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) fds.push_back(open("/dev/null", O_RDONLY));
  double during = samples(m.render()).at("process_open_fds");
  for (int fd : fds) close(fd);
  EXPECT_EQ(during, before + 5);
  EXPECT_EQ(samples(m.render()).at("process_open_fds"), before);
}

TEST(ProcessMetrics, ResidentMemoryFollowsTheProcess) {
  Metrics m;
  register_process_metrics(m);
  double before = samples(m.render()).at("process_resident_memory_bytes");
  std::vector<char> block(64 * 1024 * 1024, 1);  // touched: resident
  double during = samples(m.render()).at("process_resident_memory_bytes");
  EXPECT_GT(during, before + 32.0 * 1024 * 1024) << static_cast<int>(block[12345]);
}

}  // namespace
}  // namespace slwd::ops
