// Ingest: one record script per delivery (SPEC §4 rows 8-10), pipelined on the client's single
// connection; the callback runs on the client's io thread when Redis answers or, at the latest,
// after command_timeout (-> unavailable -> 503).
#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {
namespace {

std::string join_handlers(const std::vector<std::string>& handlers) {
  std::string joined;
  for (const auto& h : handlers) {
    if (!joined.empty()) joined += ',';
    joined += h;
  }
  return joined;
}

}  // namespace

void RedisStore::Impl::send_record(std::shared_ptr<RecordRequest> request, bool full_script) {
  const auto& script = redis::record_script();
  const auto& d = request->delivery;
  const bool use_body = config_.dedupe_body && !d.body_sha256.empty();
  std::vector<std::string> args;
  args.reserve(16 + d.handlers.size());
  args.emplace_back(full_script ? "EVAL" : "EVALSHA");
  args.push_back(full_script ? script.text : script.sha);
  args.emplace_back(use_body ? "4" : "3");
  args.push_back(keys_.events);
  args.push_back(keys_.handlers);
  args.push_back(keys_.dedupe_id(d.delivery_id));
  if (use_body) args.push_back(keys_.dedupe_body(d.body_sha256));
  args.push_back(ttl_ms_);
  args.push_back(d.delivery_id);
  args.push_back(d.endpoint);
  args.push_back(d.level);
  args.push_back(d.event_type);
  args.push_back(std::to_string(d.received_at_ms));
  args.push_back(d.body);  // a copy: the request keeps its own for a NOSCRIPT resend
  args.push_back(join_handlers(d.handlers));
  args.insert(args.end(), d.handlers.begin(), d.handlers.end());

  client_.command(std::move(args), [this, request, full_script](std::optional<redis::Reply> reply,
                                                                std::string error) {
    if (reply && reply->is_error() && !full_script && reply->str.starts_with("NOSCRIPT")) {
      // Redis restarted (or SCRIPT FLUSH): send the text once; it is cached again after that.
      send_record(request, true);
      return;
    }
    auto result = RecordResult::unavailable;
    if (!reply) {
      note_failure(error);
    } else {
      note_ok();
      if (reply->type == redis::Reply::Type::integer) {
        result = reply->integer == 1 ? RecordResult::recorded : RecordResult::duplicate;
      } else {
        // OOM (maxmemory reached under noeviction), READONLY (a replica), a script error:
        // retryable for SmartLead, so 503, never a 4xx.
        note_error_reply("record", reply->is_error() ? reply->str : "unexpected reply");
      }
    }
    if (result == RecordResult::recorded && !request->delivery.handlers.empty()) signal_work();
    auto done = std::move(request->done);
    try {
      if (done) done(result);
    } catch (const std::exception& e) {
      ops::log(ops::Level::error, "record callback threw", {{"error", e.what()}});
    }
    release();
  });
}

void RedisStore::record(Delivery delivery, RecordCallback done) {
  if (!impl_->admit()) {
    // Refused inline (shutting down, or Redis so slow that max_in_flight records wait on it):
    // queueing more would only add memory and latency before the same 503.
    done(RecordResult::unavailable);
    return;
  }
  auto request =
      std::make_shared<RecordRequest>(RecordRequest{std::move(delivery), std::move(done)});
  impl_->send_record(std::move(request), false);
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
