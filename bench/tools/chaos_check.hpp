#pragma once
// The checker of bench/chaos.sh: reads the sender's and the sink's journals (chaos_sender.hpp,
// chaos_sink.hpp) and what the script measured once the faults stopped, and prints, Jepsen-style,
// every invariant with its figures and verdict:
//   1. every acknowledged delivery id reached every matching handler at least once;
//   2. nothing was delivered that was never sent;
//   3. nothing reached a handler whose `events` does not match it;
//   4. every delivered body is the one sent, under the handler's signature;
//   5. no authentic event was refused with a 4xx (SPEC §4: nothing retryable gets a 4xx);
//   6. no dead letters and 7. nothing pending once the faults stopped and the queue drained;
// and duplicates as a share of deliveries (reported; at-least-once allows them).
#include <map>
#include <string>
#include <vector>

namespace slwd::bench {

struct ChaosCheckOptions {
  std::string label;                           // the phase, e.g. "sqlite"
  std::vector<std::string> sender_journals;
  std::string sink_journal;
  // handler -> the event types it takes; empty = every type (no `events` key)
  std::map<std::string, std::vector<std::string>> handlers;
  std::string faults_log;                      // one line per fault, first word = its kind
  long long pending = -1;                      // after the drain; -1 = not measured (a violation)
  long long dead = -1;
  std::string extra;                           // one more line for the report (e.g. the drain time)
};

// Prints the report; returns 0 when every invariant holds, 1 otherwise.
int run_chaos_check(const ChaosCheckOptions& options);

}  // namespace slwd::bench
