#include "slwd/ops/fd_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "slwd/ops/log.hpp"

namespace slwd::ops {
namespace {

// RLIM_INFINITY as a number an operator can read; Linux never reports it for NOFILE (the hard
// limit is bounded by fs.nr_open), but other kernels may.
std::string describe(std::uint64_t value) {
  return value == static_cast<std::uint64_t>(RLIM_INFINITY) ? "unlimited" : std::to_string(value);
}

}  // namespace

FdLimit raise_fd_limit() {
  FdLimit result;
  rlimit current{};
  if (::getrlimit(RLIMIT_NOFILE, &current) != 0) {
    result.error = std::string("getrlimit: ") + std::strerror(errno);
    return result;
  }
  result.before = result.soft = current.rlim_cur;
  result.hard = current.rlim_max;
  if (current.rlim_cur >= current.rlim_max) return result;  // already as high as allowed

  rlimit raised = current;
  raised.rlim_cur = current.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    result.error = std::string("setrlimit: ") + std::strerror(errno);
    return result;
  }
  result.soft = raised.rlim_cur;
  return result;
}

std::uint64_t fds_needed(std::size_t max_connections) {
  return static_cast<std::uint64_t>(max_connections) + kFdMarginBesidesConnections;
}

void log_fd_limit(const FdLimit& limit, std::size_t max_connections) {
  const std::string soft = describe(limit.soft);
  const std::string hard = describe(limit.hard);
  log(Level::info, "open file limit",
      {{"soft", soft}, {"hard", hard}, {"at_start", describe(limit.before)}});
  if (!limit.error.empty()) {
    log(Level::warn, "could not raise the open file limit", {{"error", limit.error}});
  }
  const std::uint64_t needed = fds_needed(max_connections);
  if (limit.soft < needed) {
    log(Level::warn,
        "open file limit is below server.max_connections plus a margin: connections beyond it "
        "fail to be accepted; raise LimitNOFILE= (systemd) or ulimit -n, or lower max_connections",
        {{"limit", soft},
         {"max_connections", std::to_string(max_connections)},
         {"needed", std::to_string(needed)}});
  }
}

}  // namespace slwd::ops
