// Process metrics, read from /proc at scrape time (the names Prometheus' own clients use, so
// stock dashboards work), and the build info series.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "slwd/ops/metrics.hpp"
#include "slwd/version.hpp"

namespace slwd::ops {
namespace {

std::optional<std::string> read_proc(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fields of /proc/self/stat after "(comm)"; comm may itself hold spaces and parentheses,
// so split after the last ')'. Element 0 is field 3 (state) of proc(5).
std::vector<std::string> stat_fields() {
  std::vector<std::string> fields;
  auto text = read_proc("/proc/self/stat");
  if (!text) return fields;
  auto close = text->rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream in(text->substr(close + 1));
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

double stat_field(const std::vector<std::string>& fields, std::size_t proc5_number) {
  std::size_t i = proc5_number - 3;
  return i < fields.size() ? std::stod(fields[i]) : 0;
}

std::vector<Sample> one(double value) {
  return {Sample{{}, value}};
}

double resident_bytes(bool virtual_size) {
  auto text = read_proc("/proc/self/statm");
  if (!text) return 0;
  std::istringstream in(*text);
  double size = 0;
  double resident = 0;
  in >> size >> resident;
  return (virtual_size ? size : resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  // The directory's own descriptor is listed too: leave it out.
  const std::string own = std::to_string(dirfd(dir));
  double n = 0;
  while (const dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name != "." && name != ".." && name != own) ++n;
  }
  closedir(dir);
  return n;
}

double max_fds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return static_cast<double>(limit.rlim_cur);
}

// Boot time + the process's start in clock ticks since boot; the time of this call if /proc
// cannot tell (then the registry's creation, which is within moments of the start).
double start_time_seconds() {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  auto stat = read_proc("/proc/stat");
  const auto fields = stat_fields();
  if (!stat || fields.size() < 20) return now;
  auto pos = stat->find("\nbtime ");
  if (pos == std::string::npos) return now;
  try {
    double boot = std::stod(stat->substr(pos + 7));
    return boot + stat_field(fields, 22) / static_cast<double>(sysconf(_SC_CLK_TCK));
  } catch (const std::exception&) {
    return now;
  }
}

}  // namespace

void register_process_metrics(Metrics& metrics) {
  metrics.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                         [] { return one(resident_bytes(false)); });
  metrics.gauge_callback("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
                         [] { return one(resident_bytes(true)); });
  metrics.gauge_callback("process_open_fds", "Number of open file descriptors.", {},
                         [] { return one(open_fds()); });
  metrics.gauge_callback("process_max_fds", "Maximum number of open file descriptors.", {},
                         [] { return one(max_fds()); });
  metrics.counter_callback("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.", {}, [] {
                             const auto fields = stat_fields();
                             const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
                             return one((stat_field(fields, 14) + stat_field(fields, 15)) / ticks);
                           });
  const double started = start_time_seconds();  // fixed for the process: read once
  metrics.gauge_callback("process_start_time_seconds",
                         "Start time of the process since unix epoch in seconds.", {},
                         [started] { return one(started); });
  metrics.gauge_callback("smartlead_build_info",
                         "Always 1; the version label is the running build.", {"version"}, [] {
                           return std::vector<Sample>{{{kVersion}, 1}};
                         });
}

}  // namespace slwd::ops
