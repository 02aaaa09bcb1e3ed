// Delivery: claiming (due retries, takeover of expired leases, new entries), outcomes, and the
// renewal of leases this process still holds (SPEC §9).
#include <algorithm>
#include <cstdlib>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {
namespace {

// Ids per script call: Lua's unpack() and the script's run time both stay small.
constexpr std::size_t kChunk = 500;

}  // namespace

void RedisStore::Impl::track(const std::string& handler, const std::vector<WorkItem>& items) {
  std::lock_guard lock(leases_mutex_);
  auto& leased = leases_[handler];
  for (const auto& item : items) {
    if (auto ref = redis::parse_item_id(item.id)) {
      (ref->kind == 's' ? leased.stream : leased.retry).insert(ref->member);
    }
  }
}

// Called before an outcome is sent, whatever becomes of it: an outcome that fails to reach
// Redis must leave the lease to expire (and another replica, or this one, to take the work
// over), not be renewed forever.
void RedisStore::Impl::forget(const redis::ItemRef& ref) {
  std::lock_guard lock(leases_mutex_);
  auto it = leases_.find(ref.handler);
  if (it == leases_.end()) return;
  (ref.kind == 's' ? it->second.stream : it->second.retry).erase(ref.member);
}

std::size_t RedisStore::Impl::renew_leases() {
  std::map<std::string, Leased> snapshot;
  {
    std::lock_guard lock(leases_mutex_);
    for (auto it = leases_.begin(); it != leases_.end();) {
      if (it->second.stream.empty() && it->second.retry.empty()) {
        it = leases_.erase(it);
      } else {
        snapshot.insert(*it);
        ++it;
      }
    }
  }
  std::size_t renewed = 0;
  for (const auto& [handler, leased] : snapshot) {
    std::vector<std::string> stream(leased.stream.begin(), leased.stream.end());
    std::vector<std::string> retry(leased.retry.begin(), leased.retry.end());
    std::size_t s = 0;
    std::size_t r = 0;
    while (s < stream.size() || r < retry.size()) {
      const auto ns = std::min(kChunk, stream.size() - s);
      const auto nr = std::min(kChunk - ns, retry.size() - r);
      std::vector<std::string> args{handler, consumer_, std::to_string(lease_ms_),
                                    std::to_string(ns)};
      args.insert(args.end(), stream.begin() + static_cast<std::ptrdiff_t>(s),
                  stream.begin() + static_cast<std::ptrdiff_t>(s + ns));
      args.insert(args.end(), retry.begin() + static_cast<std::ptrdiff_t>(r),
                  retry.begin() + static_cast<std::ptrdiff_t>(r + nr));
      s += ns;
      r += nr;
      const auto reply =
          eval(redis::renew_script(), {keys_.events, keys_.retry_leased(handler)}, args);
      if (reply.is_error()) {
        note_error_reply("renew", reply.str);
      } else {
        renewed += static_cast<std::size_t>(std::max<std::int64_t>(0, redis::to_int64(reply)));
      }
    }
  }
  renewed_.fetch_add(renewed);
  return renewed;
}

// Step (c) of a claim: new entries, read with a plain XREADGROUP (why not in the script:
// scripts.cpp, kClaim). Entries not routed to `handler` are acknowledged at once (nothing for its
// group to do) and do not count, so it reads on, boundedly, while pages come back full. What it
// read stays in this consumer's pending list, leased, exactly as if the script had read it.
// Whatever happens here, the script's items are already leased to us: they are returned anyway.
void RedisStore::Impl::read_new_entries(const std::string& handler, std::size_t want,
                                        std::vector<WorkItem>& items) {
  try {
    for (int pages = 10; want > 0 && pages > 0; --pages) {
      const auto asked = want;
      auto reply = call({"XREADGROUP", "GROUP", handler, consumer_, "COUNT", std::to_string(asked),
                         "STREAMS", keys_.events, ">"});
      if (reply.is_error()) {
        // The group vanished since the script made sure of it (FLUSHALL, XGROUP DESTROY).
        if (reply.str.starts_with("NOGROUP")) {
          recreate_group(handler);
        } else {
          note_error_reply("claim", reply.str);
        }
        return;
      }
      // [[events, [entry, ...]]], or nil when there is nothing new.
      if (reply.elements.size() != 1 || reply.elements[0].elements.size() != 2) return;
      auto& entries = reply.elements[0].elements[1].elements;
      std::vector<std::string> foreign{"XACK", keys_.events, handler};
      for (auto& entry : entries) {
        if (auto item = redis::parse_stream_entry(entry, handler)) {
          items.push_back(std::move(*item));
          --want;
        } else if (!entry.elements.empty() && redis::is_stream_id(entry.elements[0].str)) {
          foreign.push_back(std::move(entry.elements[0].str));
        }
      }
      // Left unacknowledged (no answer), they are taken over after a lease and acknowledged
      // then, by the script.
      if (foreign.size() > 3) {
        auto acked = call(std::move(foreign));
        if (acked.is_error() && !acked.str.starts_with("NOGROUP")) {
          note_error_reply("claim", acked.str);
        }
      }
      if (entries.size() < asked) return;  // the stream has nothing more
    }
  } catch (const redis::Unavailable&) {
    // Logged once per outage by call(). Anything XREADGROUP did read is leased to us without our
    // knowing: taken over (by any replica, this one too) once the lease runs out.
  }
}

// Exactly what the claim script does when XAUTOCLAIM meets NOGROUP: the group again, reading
// from the start, and its handler in the handlers set (trimming waits for groups in that set).
void RedisStore::Impl::recreate_group(const std::string& handler) {
  auto created = call({"XGROUP", "CREATE", keys_.events, handler, "0", "MKSTREAM"});
  if (created.is_error() && !created.str.starts_with("BUSYGROUP")) {
    note_error_reply("claim", created.str);
    return;
  }
  call({"SADD", keys_.handlers, handler});
}

std::vector<WorkItem> RedisStore::claim(const std::string& handler, std::size_t max,
                                        std::chrono::milliseconds /*lease: see the header*/) {
  auto& impl = *impl_;
  // A tool never takes work (and never creates groups by claiming).
  if (max == 0 || impl.mode_ == OpenMode::tool || impl.stopped_.load()) return {};
  std::string cursor = "0-0";
  {
    std::lock_guard lock(impl.leases_mutex_);
    if (auto it = impl.takeover_cursor_.find(handler); it != impl.takeover_cursor_.end()) {
      cursor = it->second;
    }
  }
  // (a) due retries and (b) takeover, in the script; (c) new entries below.
  redis::Reply reply;
  try {
    reply =
        impl.eval(redis::claim_script(),
                  {impl.keys_.events, impl.keys_.retry(handler), impl.keys_.retry_leased(handler),
                   impl.keys_.retry_data(handler), impl.keys_.handlers},
                  {handler, impl.consumer_, std::to_string(impl.now_()), std::to_string(max),
                   std::to_string(impl.lease_ms_), cursor});
  } catch (const redis::Unavailable&) {
    return {};  // logged once per outage by call(); the lane polls again
  }
  if (reply.is_error() || reply.elements.size() != 3) {
    impl.note_error_reply("claim", reply.is_error() ? reply.str : "unexpected reply");
    return {};
  }
  std::vector<WorkItem> items;
  items.reserve(std::min<std::size_t>(max, 1024));  // the whole claim's, not just the script's
  for (auto& element : reply.elements[1].elements) {
    if (auto item = redis::parse_work_item(element, handler)) items.push_back(std::move(*item));
  }
  {
    std::lock_guard lock(impl.leases_mutex_);
    impl.takeover_cursor_[handler] =
        redis::is_stream_id(reply.elements[0].str) ? reply.elements[0].str : "0-0";
  }
  // The script never returns more than max, nor leaves room it has filled.
  const auto left = redis::to_int64(reply.elements[2]);
  if (left > 0 && items.size() < max) {
    impl.read_new_entries(handler, std::min(static_cast<std::size_t>(left), max - items.size()),
                          items);
  }
  impl.track(handler, items);
  return items;
}

void RedisStore::complete(const std::vector<std::string>& ids) {
  auto& impl = *impl_;
  struct Batch {
    std::vector<std::string> stream;
    std::vector<std::string> retry;
  };
  std::map<std::string, Batch> by_handler;
  for (const auto& id : ids) {
    auto ref = redis::parse_item_id(id);
    if (!ref) continue;
    impl.forget(*ref);
    auto& batch = by_handler[ref->handler];
    (ref->kind == 's' ? batch.stream : batch.retry).push_back(ref->member);
  }
  for (const auto& [handler, batch] : by_handler) {
    std::size_t s = 0;
    std::size_t r = 0;
    while (s < batch.stream.size() || r < batch.retry.size()) {
      const auto ns = std::min(kChunk, batch.stream.size() - s);
      const auto nr = std::min(kChunk - ns, batch.retry.size() - r);
      std::vector<std::string> args{handler, std::to_string(ns)};
      args.insert(args.end(), batch.stream.begin() + static_cast<std::ptrdiff_t>(s),
                  batch.stream.begin() + static_cast<std::ptrdiff_t>(s + ns));
      args.insert(args.end(), batch.retry.begin() + static_cast<std::ptrdiff_t>(r),
                  batch.retry.begin() + static_cast<std::ptrdiff_t>(r + nr));
      s += ns;
      r += nr;
      try {
        const auto reply = impl.eval(
            redis::complete_script(),
            {impl.keys_.events, impl.keys_.retry_leased(handler), impl.keys_.retry_data(handler)},
            args);
        if (reply.is_error()) impl.note_error_reply("complete", reply.str);
      } catch (const redis::Unavailable&) {
        // Not acknowledged: the lease expires and the work is delivered again (at least once).
      }
    }
  }
}

void RedisStore::reschedule(const std::string& id, std::int64_t due_at_ms,
                            const std::string& error) {
  auto& impl = *impl_;
  auto ref = redis::parse_item_id(id);
  if (!ref) return;
  impl.forget(*ref);
  try {
    const auto reply =
        impl.eval(redis::reschedule_script(),
                  {impl.keys_.events, impl.keys_.retry(ref->handler),
                   impl.keys_.retry_leased(ref->handler), impl.keys_.retry_data(ref->handler)},
                  {ref->handler, impl.consumer_, std::string(1, ref->kind), ref->member,
                   std::to_string(due_at_ms), error});
    if (reply.is_error()) impl.note_error_reply("reschedule", reply.str);
  } catch (const redis::Unavailable&) {
    // The lease expires and the attempt is made again, without this one counted.
  }
}

void RedisStore::dead_letter(const std::string& id, const std::string& error) {
  auto& impl = *impl_;
  auto ref = redis::parse_item_id(id);
  if (!ref) return;
  impl.forget(*ref);
  try {
    const auto reply =
        impl.eval(redis::dead_letter_script(),
                  {impl.keys_.events, impl.keys_.retry_leased(ref->handler),
                   impl.keys_.retry_data(ref->handler), impl.keys_.dlq, impl.keys_.dead_count},
                  {ref->handler, impl.consumer_, std::string(1, ref->kind), ref->member, error,
                   std::to_string(impl.now_())});
    if (reply.is_error()) impl.note_error_reply("dead_letter", reply.str);
  } catch (const redis::Unavailable&) {
  }
}

// The earliest retry of `handler`. New entries and takeovers are found by the lanes' idle poll.
std::optional<std::int64_t> RedisStore::next_due_ms(const std::string& handler) {
  auto& impl = *impl_;
  try {
    const auto reply = impl.call({"ZRANGE", impl.keys_.retry(handler), "0", "0", "WITHSCORES"});
    if (reply.type != redis::Reply::Type::array || reply.elements.size() < 2) return std::nullopt;
    return static_cast<std::int64_t>(std::strtod(reply.elements[1].str.c_str(), nullptr));
  } catch (const redis::Unavailable&) {
    return std::nullopt;
  }
}

}  // namespace slwd::store
