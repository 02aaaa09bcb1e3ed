#pragma once
// The steady load of bench/soak.sh: signed events with unique ids at a fixed rate (open loop:
// each connection keeps its schedule, and latency is measured from the time a request was due,
// so a stall shows up in the figures instead of quietly lowering the rate), plus a sink that
// answers 200 to the daemon's `http` handler and counts deliveries. Every `interval` it appends
// one line to `report`:
//   minute=K sent=N ok=N failed=N p50_ms=X p99_ms=X max_ms=X delivered=N
// (`failed`: non-2xx answers and transport errors in that interval; `delivered` counts arrivals
// at the sink in the interval.)
#include <chrono>
#include <string>

namespace slwd::bench {

struct SoakOptions {
  std::string url;
  std::string secret;
  std::string report;
  unsigned short sink_port = 0;
  int connections = 16;
  double rate = 2000;
  double seconds = 300;
  std::chrono::milliseconds interval{60000};
  std::chrono::milliseconds timeout{5000};
};

// Returns 0 when every request got a 2xx, 1 otherwise.
int run_soak(const SoakOptions& options);

}  // namespace slwd::bench
