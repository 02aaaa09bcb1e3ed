#pragma once
// Shared by the abuse tests (issue #8 item 4): a daemon with short timeouts and a file handler
// whose lines tell what was recorded, raw signed requests, and the helpers those tests measure
// with.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"

namespace slwd::testing::abuse {

inline constexpr const char* kSecret = "abuse-test-secret";

// `server_extra`: indented lines under `server:` (timeouts, limits).
inline std::string config(const std::string& server_extra) {
  return R"(
server:
  listen: "127.0.0.1:{{PORT}}"
  threads: 2
  max_body: 64KiB
)" + server_extra + R"(admin:
  listen: "127.0.0.1:{{ADMIN_PORT}}"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["abuse-test-secret"]
store:
  sqlite: { path: "{{DIR}}/store.db" }
handlers:
  - name: audit
    type: file
    path: "{{DIR}}/events.jsonl"
    fsync: never
logging: { level: debug, format: json }
)";
}

// A complete, valid, signed POST whose delivery id is `id`.
inline std::string signed_request(const std::string& id, const std::string& body) {
  return "POST /webhooks/smartlead HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id +
         "\r\nX-Smartlead-Signature: " + sign(kSecret, body) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}
inline std::string signed_request(const std::string& id) {
  return signed_request(id, sample_reply_body(id));
}

// The delivery ids the file handler has written so far.
inline std::vector<std::string> delivered_ids(const TempDir& dir) {
  std::vector<std::string> ids;
  for (const auto& line : read_lines(dir.file("events.jsonl"))) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) ids.push_back(j.value("delivery_id", ""));
  }
  return ids;
}

inline bool delivered(const TempDir& dir, const std::string& id) {
  auto ids = delivered_ids(dir);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Posts a fresh event and waits until the file handler wrote it: the one lane delivers oldest
// first, so whatever was recorded before it is in the file by then.
inline void flush_deliveries(const Daemon& daemon, const TempDir& dir, const std::string& marker) {
  ASSERT_EQ(post_signed(daemon.port(), sample_reply_body(marker), kSecret, marker).status, 200u);
  ASSERT_TRUE(eventually([&] { return delivered(dir, marker); }, std::chrono::seconds(15)));
}

// The delivery ids in the quarantine.
inline std::vector<std::string> quarantined_ids(const Daemon& daemon) {
  auto r = run_cli({"quarantine", "list", "--config", daemon.config_path(), "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> ids;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_array()) {
    for (const auto& e : j) ids.push_back(e.value("delivery_id", ""));
  }
  return ids;
}

// The q-quantile (0..1) of `samples`, nearest rank.
inline std::chrono::milliseconds quantile(std::vector<std::chrono::milliseconds> samples, double q) {
  if (samples.empty()) return std::chrono::milliseconds::max();
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(rank, samples.size() - 1)];
}

// Raises this process's soft RLIMIT_NOFILE to its hard limit and returns the result. A test
// that needs `needed` descriptors fails (never skips) when the hard limit is lower.
inline rlim_t raise_open_file_limit() {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  ::getrlimit(RLIMIT_NOFILE, &lim);
  return lim.rlim_cur;
}

}  // namespace slwd::testing::abuse
