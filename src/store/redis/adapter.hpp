#pragma once
// The hiredis event-loop adapter for Asio, shaped like hiredis's adapters/libuv.h: hiredis calls
// addRead/delRead/addWrite/delWrite/cleanup through ac->ev, and we turn them into
// async_wait(wait_read / wait_write) on a posix::stream_descriptor that wraps the context's fd.
//
// hiredis 0.14 has no scheduleTimer hook, so timeouts are not the adapter's job: the Client
// keeps its own Asio timers (connect and command deadlines) and frees the context on expiry.
//
// Threading: the io_context must be run by exactly one thread, and every hiredis call on the
// context must be made from it (the adapter has no locks; one thread is its strand).
#include <string>

struct redisAsyncContext;

namespace boost::asio {
class io_context;
}

namespace slwd::store::redis {

// Hooks the context's socket into `io`. On failure returns false with `error` set and leaves
// the context untouched (the caller still owns it and frees it). On success hiredis owns the
// adapter through ac->ev.data until it calls cleanup (from redisAsyncFree or a disconnect),
// which stops every wait and releases, never closes, the fd: hiredis closes it.
bool attach_asio_adapter(boost::asio::io_context& io, redisAsyncContext* ac, std::string& error);

}  // namespace slwd::store::redis
