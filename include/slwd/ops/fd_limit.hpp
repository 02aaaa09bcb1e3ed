#pragma once
// The open-file limit (RLIMIT_NOFILE) a daemon that holds one descriptor per connection needs.
// Service managers and shells start processes with a soft limit of 1024 for the sake of old
// select() users, while the hard limit is far higher; like nginx (worker_rlimit_nofile) and Go
// (since 1.19) the daemon raises its soft limit to the hard one at startup, so max_connections
// is not silently capped at ~1000 by EMFILE on accept.
#include <cstddef>
#include <cstdint>
#include <string>

namespace slwd::ops {

// Descriptors the daemon needs besides its public connections: stdio, the store (SQLite files,
// Redis connections), the admin port and its clients, outbound HTTP connections of the delivery
// workers, command handlers' pipes, the listening sockets and the event loop's own.
inline constexpr std::uint64_t kFdMarginBesidesConnections = 256;

struct FdLimit {
  std::uint64_t before = 0;  // soft limit found at startup
  std::uint64_t soft = 0;    // soft limit now in force
  std::uint64_t hard = 0;
  std::string error;         // why raising failed ("" when it did not fail)
};

// Raises the soft RLIMIT_NOFILE to the hard limit (never lowers it) and reports the result.
FdLimit raise_fd_limit();

// The descriptors `max_connections` public connections need, margin included.
std::uint64_t fds_needed(std::size_t max_connections);

// Logs the limit at info, and a warning naming the shortfall when it is below what
// `max_connections` needs (accept then fails with EMFILE before the configured cap is reached).
void log_fd_limit(const FdLimit& limit, std::size_t max_connections);

}  // namespace slwd::ops
