#pragma once
// What bench/soak.sh asks the SQLite store about dedupe pruning, read-only beside the running
// daemon (WAL): how many dedupe records there are, and how many expired more than `grace` ago —
// records pruning should have removed (the store prunes every 10 s in chunks).
#include <chrono>
#include <cstdint>
#include <string>

namespace slwd::bench {

struct DedupeCounts {
  std::int64_t total = 0;
  std::int64_t stale = 0;  // expires_at older than now - grace
};

DedupeCounts sqlite_dedupe_counts(const std::string& db_path, std::chrono::milliseconds grace);

}  // namespace slwd::bench
