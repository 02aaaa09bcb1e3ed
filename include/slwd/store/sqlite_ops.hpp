#pragma once
// The units of work the store thread batches into one transaction. An op runs its statements
// inside the open transaction (run), and is told the batch's fate only after COMMIT or ROLLBACK
// (finish): that ordering is what makes "answer 200 only after the commit" hold.
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "slwd/store/sqlite_writer.hpp"
#include "slwd/store/store.hpp"

namespace slwd::store {

class SqliteOp {
 public:
  virtual ~SqliteOp() = default;
  // Runs inside the batch transaction on the store thread; throws SqliteError to fail the batch.
  virtual void run(SqliteWriter& writer, std::int64_t now_ms) = 0;
  // Exactly once, outside any store lock: `committed` false means nothing of this op persisted
  // (batch failed, queue full or store shutting down) and `error` says why.
  virtual void finish(bool committed, const std::string& error) noexcept = 0;
  // Ingest ops count against the queue capacity and are refused rather than queued beyond it;
  // the others come from callers that wait for them, so their number is bounded by those callers.
  virtual bool is_ingest() const { return false; }
  // Set by run() when outbox rows became due (the work listener is told after the commit).
  bool added_work() const { return added_work_; }

 protected:
  bool added_work_ = false;
};

class RecordOp final : public SqliteOp {
 public:
  RecordOp(Delivery delivery, Store::RecordCallback done)
      : delivery_(std::move(delivery)), done_(std::move(done)) {}
  void run(SqliteWriter& writer, std::int64_t now_ms) override;
  void finish(bool committed, const std::string& error) noexcept override;
  bool is_ingest() const override { return true; }

 private:
  Delivery delivery_;
  Store::RecordCallback done_;
  RecordResult result_ = RecordResult::unavailable;
};

class QuarantineOp final : public SqliteOp {
 public:
  QuarantineOp(QuarantineItem item, Store::QuarantineCallback done)
      : item_(std::move(item)), done_(std::move(done)) {}
  void run(SqliteWriter& writer, std::int64_t now_ms) override;
  void finish(bool committed, const std::string& error) noexcept override;
  bool is_ingest() const override { return true; }

 private:
  QuarantineItem item_;
  Store::QuarantineCallback done_;
};

// A write whose caller blocks on a future for the result (claim, outcomes, replay, purge).
// When the batch fails the caller gets `fallback`, or, without one, an exception carrying the
// error (operator tools must not print "replayed 0" for a failed write).
template <typename T>
class CallOp final : public SqliteOp {
 public:
  using Body = std::function<T(SqliteWriter& writer, std::int64_t now_ms, bool& added_work)>;

  CallOp(Body body, std::optional<T> fallback)
      : body_(std::move(body)), fallback_(std::move(fallback)) {}

  std::future<T> future() { return promise_.get_future(); }

  void run(SqliteWriter& writer, std::int64_t now_ms) override {
    result_ = body_(writer, now_ms, added_work_);
  }

  void finish(bool committed, const std::string& error) noexcept override {
    try {
      if (committed) {
        promise_.set_value(std::move(*result_));
      } else if (fallback_) {
        promise_.set_value(std::move(*fallback_));
      } else {
        promise_.set_exception(std::make_exception_ptr(std::runtime_error(error)));
      }
    } catch (const std::future_error&) {
      // Already satisfied: finish ran twice, which the store never does.
    }
  }

 private:
  Body body_;
  std::optional<T> fallback_;
  std::optional<T> result_;
  std::promise<T> promise_;
};

}  // namespace slwd::store
