#pragma once
// The SmartLead-like sender of bench/chaos.sh. Several connections post signed events, each with
// a fresh delivery id, at a steady total rate. Like SmartLead, a 5xx, a connection error or a
// timeout means "not received": the same id and body are sent again after 1 s, 5 s and 30 s
// (scaled down), each retry to the next daemon when there are several (a load balancer), and
// then given up. A timeout is "unknown" (the daemon may have recorded it): only a 2xx counts as
// acknowledged. Every step goes to a journal the checker reads:
//   S <id> <event_type>   first attempt about to be made
//   A <id> <status>       a 2xx answer (acknowledged)
//   R <id> <status>       a 4xx answer (refused; never expected for an authentic event)
//   X <id>                given up after the last retry
#include <chrono>
#include <string>
#include <vector>

namespace slwd::bench {

struct ChaosSenderOptions {
  std::vector<std::string> urls;  // one per daemon; connection i starts at urls[i % n]
  std::string secret;
  std::string id_prefix;          // ids are <prefix>-<connection>-<n>
  std::string journal;
  int connections = 8;
  double rate = 200;              // new ids per second, all connections together
  double seconds = 60;            // how long new ids are started; retries finish after
  std::chrono::milliseconds timeout{4000};
  std::vector<std::chrono::milliseconds> backoff{std::chrono::milliseconds(1000),
                                                 std::chrono::milliseconds(5000),
                                                 std::chrono::milliseconds(30000)};
};

// Runs to the end; prints one summary line. Returns 0 (the checker judges).
int run_chaos_sender(const ChaosSenderOptions& options);

}  // namespace slwd::bench
