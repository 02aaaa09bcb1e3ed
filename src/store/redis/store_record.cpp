// Ingest (SPEC §4 rows 8-10): records are batched into one record-script call per turn of the
// client's strand. The first record to arrive while nothing is queued posts a flush to the
// client's strand; records arriving before that flush runs (from any io thread) join the same
// batch. So an idle daemon sends each record at once, alone, and a busy one sends fewer, larger
// calls exactly when the per-call cost matters. Every record is answered on the client's strand
// when Redis answered its batch or, at the latest, command_timeout after it was queued
// (-> unavailable -> 503).
#include <algorithm>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Bounds on one script call: Redis runs a script without serving anyone else, and a batch that
// failed is answered 503 as a whole.
constexpr std::size_t kMaxBatchRecords = 64;
constexpr std::size_t kMaxBatchBytes = 256 * 1024;  // bodies; the first record always fits

std::string join_handlers(const std::vector<std::string>& handlers) {
  std::string joined;
  for (const auto& h : handlers) {
    if (!joined.empty()) joined += ',';
    joined += h;
  }
  return joined;
}

}  // namespace

// On the recording (io) thread: the delivery is encoded, and its strings freed, where they were
// made, and the client's strand only splices the parts together.
RecordRequest RedisStore::Impl::encode_record(const Delivery& d, RecordCallback done) const {
  RecordRequest request;
  const bool body_key = config_.dedupe_body && !d.body_sha256.empty();
  request.keys.arg(keys_.dedupe_id(d.delivery_id));
  if (body_key) request.keys.arg(keys_.dedupe_body(d.body_sha256));
  request.args.arg(body_key ? "1" : "0");
  request.args.arg(d.delivery_id).arg(d.endpoint).arg(d.level).arg(d.event_type);
  request.args.arg(d.received_at_ms).arg(d.body).arg(join_handlers(d.handlers));
  request.args.arg(static_cast<std::int64_t>(d.handlers.size()));
  for (const auto& h : d.handlers) request.args.arg(h);
  request.body_bytes = d.body.size();
  request.routed = !d.handlers.empty();
  request.done = std::move(done);
  return request;
}

void RedisStore::Impl::enqueue_record(RecordRequest request) {
  bool first = false;
  {
    std::lock_guard lock(batch_mutex_);
    if (queued_.empty()) queued_since_ = SteadyClock::now();
    queued_.push_back(std::move(request));
    first = !flush_posted_;
    flush_posted_ = true;
  }
  if (first) client_.post([this] { flush_records(); });
}

void RedisStore::Impl::flush_records() {
  RecordBatch taken;
  SteadyClock::time_point since;
  {
    std::lock_guard lock(batch_mutex_);
    taken.swap(queued_);
    since = queued_since_;
    flush_posted_ = false;
  }
  // Split at the bounds; the order of records is kept across the batches (they are pipelined on
  // one connection), so a repeated delivery id is still the duplicate, never the original.
  std::size_t begin = 0;
  while (begin < taken.size()) {
    std::size_t end = begin;
    std::size_t bytes = 0;
    while (end < taken.size() && end - begin < kMaxBatchRecords &&
           (end == begin || bytes + taken[end].body_bytes <= kMaxBatchBytes)) {
      bytes += taken[end].body_bytes;
      ++end;
    }
    auto batch = std::make_shared<RecordBatch>();
    batch->reserve(end - begin);
    std::move(taken.begin() + static_cast<std::ptrdiff_t>(begin),
              taken.begin() + static_cast<std::ptrdiff_t>(end), std::back_inserter(*batch));
    send_records(std::move(batch), since, false);
    begin = end;
  }
}

void RedisStore::Impl::send_records(std::shared_ptr<const RecordBatch> batch,
                                    SteadyClock::time_point since, bool full_script) {
  const auto& script = redis::record_script();
  std::size_t key_count = 2;
  for (const auto& r : *batch) key_count += r.keys.argc();
  redis::Command command(full_script ? "EVAL" : "EVALSHA");
  command.arg(full_script ? script.text : script.sha);
  command.arg(static_cast<std::int64_t>(key_count));
  command.arg(keys_.events).arg(keys_.handlers);
  for (const auto& r : *batch) command.append(r.keys);
  command.arg(ttl_ms_).arg(static_cast<std::int64_t>(batch->size()));
  for (const auto& r : *batch) command.append(r.args);

  client_.send(
      std::move(command),
      [this, batch, since, full_script](std::optional<redis::Reply> reply, std::string error) {
        if (reply && reply->is_error() && !full_script && reply->str.starts_with("NOSCRIPT")) {
          // Redis restarted (or SCRIPT FLUSH): send the text once; it is cached again after that.
          send_records(batch, since, true);
          return;
        }
        answer_records(*batch, reply, error);
      },
      since);
}

void RedisStore::Impl::answer_records(const RecordBatch& batch,
                                      const std::optional<redis::Reply>& reply,
                                      const std::string& error) {
  const bool answered =
      reply && reply->type == redis::Reply::Type::array && reply->elements.size() == batch.size();
  if (!reply) {
    note_failure(error);
  } else {
    note_ok();
    // OOM (maxmemory reached under noeviction), READONLY (a replica), a script error: retryable
    // for SmartLead, so 503, never a 4xx.
    if (!answered) {
      note_error_reply("record", reply->is_error() ? reply->str : "unexpected reply");
    }
  }
  bool work = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto result = RecordResult::unavailable;
    if (answered) {
      const auto& element = reply->elements[i];
      if (element.type == redis::Reply::Type::integer) {
        result = element.integer == 1 ? RecordResult::recorded : RecordResult::duplicate;
      }
    }
    if (result == RecordResult::recorded && batch[i].routed) work = true;
    try {
      if (batch[i].done) batch[i].done(result);
    } catch (const std::exception& e) {
      ops::log(ops::Level::error, "record callback threw", {{"error", e.what()}});
    }
  }
  // Straight to the listener (the dispatcher's notify: a flag and perhaps a notify_one, never
  // blocking), not through the store thread: waking that thread for every answered batch was
  // ~5,000 context switches a second under load, on cores Redis and the io threads need.
  if (work) notify_listener();
  release(batch.size());
}

void RedisStore::record(Delivery delivery, RecordCallback done) {
  if (!impl_->admit()) {
    // Refused inline (shutting down, or Redis so slow that max_in_flight records wait on it):
    // queueing more would only add memory and latency before the same 503.
    done(RecordResult::unavailable);
    return;
  }
  impl_->enqueue_record(impl_->encode_record(delivery, std::move(done)));
}

void RedisStore::quarantine(QuarantineItem item, QuarantineCallback done) {
  auto& impl = *impl_;
  if (!impl.admit()) {
    done(false);
    return;
  }
  std::vector<std::string> args{"XADD",
                                impl.keys_.quarantine,
                                "*",
                                "delivery_id",
                                std::move(item.delivery_id),
                                "endpoint",
                                std::move(item.endpoint),
                                "reason",
                                std::move(item.reason),
                                "received_at",
                                std::to_string(item.received_at_ms),
                                "body",
                                std::move(item.body)};
  impl.client_.command(std::move(args), [&impl, done = std::move(done)](
                                            std::optional<redis::Reply> reply, std::string error) {
    bool stored = false;
    if (!reply) {
      impl.note_failure(error);
    } else {
      impl.note_ok();
      stored =
          reply->type == redis::Reply::Type::string || reply->type == redis::Reply::Type::status;
      if (!stored) impl.note_error_reply("quarantine", reply->str);
    }
    try {
      if (done) done(stored);
    } catch (const std::exception& e) {
      ops::log(ops::Level::error, "quarantine callback threw", {{"error", e.what()}});
    }
    impl.release();
  });
}

}  // namespace slwd::store
