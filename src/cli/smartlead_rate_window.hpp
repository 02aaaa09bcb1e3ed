#pragma once
// SmartLead allows 10 requests per 2 s. This is the bookkeeping that keeps us under it for
// ANY 2 s window as the server sees it, whatever the network latency:
//
// A request takes a slot when it is sent and keeps it until 2 s (plus a margin) after its
// answer came back. A new request is admitted only while fewer than 10 slots are taken.
// Why the answer time and not the send time: the server saw request i arrive before we got
// its answer (a_i <= c_i), and request i+10 arrives after we sent it (a_{i+10} >= s_{i+10} >
// c_i + 2 s), so arrivals 10 apart are always more than 2 s apart — which counting send times
// cannot promise when one request travels slower than the next.
//
// Slots of requests still in flight count too, so this holds when several processes share
// one window (see SmartleadRateLimiter). Time is passed in (ms on a monotonic clock) so tests
// drive it.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace slwd::cli {

struct RateSlot {
  std::string owner;         // who holds it: "<pid>:<sequence>"
  std::int64_t start_ms = 0;  // when it was taken
  std::int64_t end_ms = -1;   // when the answer came; -1 while in flight
};

class RateWindow {
 public:
  static constexpr std::size_t kMaxRequests = 10;
  static constexpr std::int64_t kWindowMs = 2000;
  // Covers clock granularity (ms) and the server timestamping arrivals a little differently.
  static constexpr std::int64_t kMarginMs = 50;
  // An in-flight slot older than this belongs to a process that died mid-request: no single
  // attempt outlives it (the client's per-attempt timeout is far below).
  static constexpr std::int64_t kStaleInFlightMs = 120000;

  RateWindow() = default;
  explicit RateWindow(std::vector<RateSlot> slots) : slots_(std::move(slots)) {}

  // Takes a slot for `owner` and returns 0, or returns how many ms to wait before trying
  // again (> 0) and takes nothing.
  std::int64_t try_admit(const std::string& owner, std::int64_t now_ms);
  // The answer for `owner`'s request came (or the request failed) at now_ms.
  void finish(const std::string& owner, std::int64_t now_ms);
  // Ends the in-flight slots whose owner is gone (a process killed mid-request) as of now_ms,
  // so they stop blocking others after the usual 2 s instead of kStaleInFlightMs.
  void finish_abandoned(const std::function<bool(std::string_view owner)>& alive,
                        std::int64_t now_ms);

  const std::vector<RateSlot>& slots() const { return slots_; }

  // One slot per line: "owner start end". Unparseable lines are dropped: the file is only a
  // cache of recent history, and losing a line costs at most one early request.
  std::string serialize() const;
  static RateWindow parse(std::string_view text);

 private:
  void expire(std::int64_t now_ms);
  std::vector<RateSlot> slots_;
};

}  // namespace slwd::cli
