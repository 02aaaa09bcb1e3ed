#pragma once
// The flapping HTTP target of bench/chaos.sh: one path per daemon `http` handler (/<handler>).
// Each path cycles through behaviours — 200; 500; hanging past delivery.timeout and then
// dropping the connection without an answer; 429 with Retry-After; a mix — on its own clock, the
// paths offset from each other so one handler fails while the other works. SIGUSR1 ends the
// flapping (every answer 200: "the faults stop"); SIGTERM/SIGINT writes the summary and exits.
// The journal holds what the daemon delivered:
//   D <handler> <id>            answered 200 (the event reached the handler)
//   C <handler> <id> <reason>   the body or its signature is not what the sender sent
#include <chrono>
#include <string>

namespace slwd::bench {

struct ChaosSinkOptions {
  unsigned short port = 0;
  std::string journal;
  std::string secret;                   // the handlers' `secret`: every body must be signed with it
  std::chrono::milliseconds cycle{20000};  // one round of every behaviour
  std::chrono::milliseconds hang{3000};    // how long a "hang" holds the request before dropping it
};

int run_chaos_sink(const ChaosSinkOptions& options);

}  // namespace slwd::bench
