#include "smartlead_rate_window.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

namespace slwd::cli {

void RateWindow::expire(std::int64_t now_ms) {
  std::erase_if(slots_, [&](const RateSlot& s) {
    if (s.start_ms > now_ms + kStaleInFlightMs) return true;  // another clock (reboot): junk
    if (s.end_ms < 0) return s.start_ms + kStaleInFlightMs <= now_ms;
    return s.end_ms + kWindowMs + kMarginMs <= now_ms;
  });
}

std::int64_t RateWindow::try_admit(const std::string& owner, std::int64_t now_ms) {
  expire(now_ms);
  if (slots_.size() < kMaxRequests) {
    slots_.push_back(RateSlot{owner, now_ms, -1});
    return 0;
  }
  // Full: the earliest finished slot frees first. When all are in flight, poll shortly.
  std::int64_t wait = std::numeric_limits<std::int64_t>::max();
  for (const auto& s : slots_) {
    if (s.end_ms >= 0) wait = std::min(wait, s.end_ms + kWindowMs + kMarginMs - now_ms);
  }
  if (wait == std::numeric_limits<std::int64_t>::max()) wait = 20;
  return std::max<std::int64_t>(1, wait);
}

void RateWindow::finish(const std::string& owner, std::int64_t now_ms) {
  for (auto& s : slots_) {
    if (s.owner == owner && s.end_ms < 0) {
      s.end_ms = std::max(now_ms, s.start_ms);
      return;
    }
  }
}

void RateWindow::finish_abandoned(const std::function<bool(std::string_view owner)>& alive,
                                  std::int64_t now_ms) {
  for (auto& s : slots_) {
    if (s.end_ms < 0 && !alive(s.owner)) s.end_ms = std::max(now_ms, s.start_ms);
  }
}

std::string RateWindow::serialize() const {
  std::ostringstream out;
  for (const auto& s : slots_) out << s.owner << ' ' << s.start_ms << ' ' << s.end_ms << '\n';
  return out.str();
}

RateWindow RateWindow::parse(std::string_view text) {
  std::vector<RateSlot> slots;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    RateSlot s;
    if (fields >> s.owner >> s.start_ms >> s.end_ms) slots.push_back(std::move(s));
  }
  return RateWindow(std::move(slots));
}

}  // namespace slwd::cli
