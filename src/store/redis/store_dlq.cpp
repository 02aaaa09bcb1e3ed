// Operator tools (SPEC §2 dlq/quarantine, §7 /dlq and gauges): safe beside running daemons, since
// every change is one script and every listing reads the streams in pages.
#include <algorithm>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {
namespace {

constexpr std::size_t kPage = 500;

}  // namespace

void RedisStore::Impl::scan_stream(
    const std::string& key, const std::function<void(const std::vector<redis::Reply>&)>& on_page) {
  std::string start = "-";
  for (;;) {
    const auto reply = call({"XRANGE", key, start, "+", "COUNT", std::to_string(kPage)});
    if (reply.is_error()) throw std::runtime_error("redis " + where_ + ": " + reply.str);
    if (reply.elements.empty()) return;
    on_page(reply.elements);
    const auto& last = reply.elements.back();
    if (reply.elements.size() < kPage || last.elements.empty()) return;
    start = "(" + last.elements[0].str;  // exclusive: the page after the last one seen
  }
}

std::size_t RedisStore::Impl::apply_to_dead(const Selection& selection, const redis::Script& script,
                                            const std::vector<std::string>& head) {
  std::size_t changed = 0;
  auto run = [&](const std::vector<std::string>& ids) {
    if (ids.empty()) return;
    std::vector<std::string> args = head;
    args.insert(args.end(), ids.begin(), ids.end());
    const auto reply = eval_or_throw(script, {keys_.dlq, keys_.dead_count}, args);
    changed += static_cast<std::size_t>(std::max<std::int64_t>(0, redis::to_int64(reply)));
  };
  if (selection.all) {
    scan_stream(keys_.dlq, [&](const std::vector<redis::Reply>& page) {
      std::vector<std::string> ids;
      for (const auto& entry : page) {
        auto dead = redis::parse_dead_letter(entry);
        if (dead && (!selection.handler || dead->handler == *selection.handler)) {
          ids.push_back(dead->id);
        }
      }
      run(ids);
    });
    return changed;
  }
  std::vector<std::string> ids;
  for (const auto& id : selection.ids) {
    if (!redis::is_stream_id(id)) continue;  // names no dead letter (like an unknown id)
    ids.push_back(id);
    if (ids.size() == kPage) {
      run(ids);
      ids.clear();
    }
  }
  run(ids);
  return changed;
}

std::vector<DeadLetter> RedisStore::list_dead(const std::optional<std::string>& handler) {
  impl_->throw_if_stopped();
  std::vector<DeadLetter> out;
  impl_->scan_stream(impl_->keys_.dlq, [&](const std::vector<redis::Reply>& page) {
    for (const auto& entry : page) {
      auto dead = redis::parse_dead_letter(entry);
      if (dead && (!handler || dead->handler == *handler)) out.push_back(std::move(*dead));
    }
  });
  return out;
}

// Each selected dead letter goes back into its handler's retry set, due now, attempts 0; the
// daemons' lanes find it on their next claim (idle poll: 2 s, SPEC §2 asks for 5 s).
std::size_t RedisStore::replay(const Selection& selection) {
  auto& impl = *impl_;
  impl.throw_if_stopped();
  const auto count = impl.apply_to_dead(
      selection, redis::replay_script(),
      {impl.keys_.prefix, std::to_string(impl.now_()), selection.handler.value_or("")});
  if (count > 0) impl.signal_work();
  return count;
}

std::size_t RedisStore::purge(const Selection& selection) {
  auto& impl = *impl_;
  impl.throw_if_stopped();
  return impl.apply_to_dead(selection, redis::purge_script(), {selection.handler.value_or("")});
}

std::vector<QuarantineEntry> RedisStore::list_quarantine() {
  impl_->throw_if_stopped();
  std::vector<QuarantineEntry> out;
  impl_->scan_stream(impl_->keys_.quarantine, [&](const std::vector<redis::Reply>& page) {
    for (const auto& entry : page) {
      if (auto q = redis::parse_quarantine(entry)) out.push_back(std::move(*q));
    }
  });
  return out;
}

// pending is an upper bound: entries not yet read by a handler's group count even when they are
// routed to other handlers only (they are skipped, and stop counting, once the group reads them).
std::map<std::string, HandlerCounts> RedisStore::counts() {
  auto& impl = *impl_;
  std::map<std::string, HandlerCounts> out;
  try {
    const auto reply = impl.eval(redis::counts_script(),
                                 {impl.keys_.events, impl.keys_.dead_count, impl.keys_.handlers},
                                 {impl.keys_.prefix});
    if (reply.is_error()) {
      impl.note_error_reply("counts", reply.str);
      return out;
    }
    const auto& e = reply.elements;
    for (std::size_t i = 0; i + 2 < e.size(); i += 3) {
      auto& c = out[e[i].str];
      c.pending = redis::to_int64(e[i + 1]);
      c.dead = redis::to_int64(e[i + 2]);
    }
  } catch (const redis::Unavailable&) {
  }
  return out;
}

}  // namespace slwd::store
