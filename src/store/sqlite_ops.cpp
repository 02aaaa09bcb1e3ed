#include "slwd/store/sqlite_ops.hpp"

#include "slwd/ops/log.hpp"

namespace slwd::store {
namespace {

// A throwing callback must not take the store thread (and every later commit) down with it.
template <typename F>
void invoke_guarded(const char* what, F&& f) noexcept {
  try {
    f();
  } catch (const std::exception& e) {
    ops::log(ops::Level::error, "store callback threw", {{"callback", what}, {"error", e.what()}});
  } catch (...) {
    ops::log(ops::Level::error, "store callback threw", {{"callback", what}});
  }
}

}  // namespace

void RecordOp::run(SqliteWriter& writer, std::int64_t now_ms) {
  result_ = writer.record(delivery_, now_ms, added_work_);
}

void RecordOp::finish(bool committed, const std::string&) noexcept {
  if (!done_) return;
  const auto result = committed ? result_ : RecordResult::unavailable;
  invoke_guarded("record", [&] { done_(result); });
}

void QuarantineOp::run(SqliteWriter& writer, std::int64_t) {
  writer.quarantine(item_);
}

void QuarantineOp::finish(bool committed, const std::string&) noexcept {
  if (!done_) return;
  invoke_guarded("quarantine", [&] { done_(committed); });
}

}  // namespace slwd::store
