// Trimming the events stream (DESIGN §1: the stream is the queue, so it must not grow without
// bound, and must never lose what a group still needs).
#include <algorithm>

#include "slwd/ops/log.hpp"
#include "store_impl.hpp"

namespace slwd::store {

// One script (scripts.cpp kTrim): the floor is, over every group, the oldest pending entry or,
// with none pending, the last-delivered id — everything after that one is unread. Entries below
// the floor were read and acknowledged by every group; retries hold their own copy of the event.
// Consumers of processes long gone (idle > consumer_idle, nothing pending) are forgotten too.
std::size_t RedisStore::Impl::trim() {
  const auto reply = eval(redis::trim_script(), {keys_.events, keys_.handlers},
                          {std::to_string(options_.consumer_idle.count())});
  if (reply.is_error()) {
    note_error_reply("trim", reply.str);
    return 0;
  }
  const auto removed = static_cast<std::size_t>(std::max<std::int64_t>(0, redis::to_int64(reply)));
  if (removed > 0 && ops::log_enabled(ops::Level::debug)) {
    ops::log(ops::Level::debug, "redis events stream trimmed",
             {{"redis", where_}, {"entries", std::to_string(removed)}});
  }
  return removed;
}

}  // namespace slwd::store
