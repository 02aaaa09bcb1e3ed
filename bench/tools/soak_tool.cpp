// The moving parts of bench/soak.sh (issue #8):
//   soak_tool run --url U --secret S --report F --sink-port N [--connections 16] [--rate 2000]
//                 [--seconds 300] [--interval-ms 60000]
//   soak_tool dedupe --db PATH --grace-ms N      prints "total=N stale=N" (SQLite store)
#include <cstdio>
#include <iostream>
#include <vector>

#include "bench_args.hpp"
#include "soak_dedupe.hpp"
#include "soak_sender.hpp"

int main(int argc, char** argv) {
  using namespace slwd::bench;
  std::vector<std::string> words(argv + 1, argv + argc);
  try {
    if (!words.empty() && words[0] == "run") {
      Args a({words.begin() + 1, words.end()},
             {"url", "secret", "report", "sink-port", "connections", "rate", "seconds", "interval-ms"});
      SoakOptions o;
      o.url = a.text("url");
      o.secret = a.text("secret");
      o.report = a.text("report");
      o.sink_port = static_cast<unsigned short>(a.number("sink-port", 0));
      o.connections = static_cast<int>(a.number("connections", o.connections));
      o.rate = a.number("rate", o.rate);
      o.seconds = a.number("seconds", o.seconds);
      o.interval = std::chrono::milliseconds(static_cast<long long>(a.number("interval-ms", 60000)));
      return run_soak(o);
    }
    if (!words.empty() && words[0] == "dedupe") {
      Args a({words.begin() + 1, words.end()}, {"db", "grace-ms"});
      const auto counts =
          sqlite_dedupe_counts(a.text("db"), std::chrono::milliseconds(static_cast<long long>(a.number("grace-ms", 0))));
      std::printf("total=%lld stale=%lld\n", static_cast<long long>(counts.total), static_cast<long long>(counts.stale));
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "soak_tool: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: soak_tool run ... | dedupe --db PATH --grace-ms N (see bench/tools/soak_tool.cpp)\n";
  return 2;
}
