#pragma once
// The hiredis event-loop adapter for Asio, shaped like hiredis's adapters/libuv.h: hiredis calls
// addRead/delRead/addWrite/delWrite/cleanup through ac->ev, and we turn them into
// async_wait(wait_read / wait_write) on a posix::stream_descriptor that wraps the context's fd.
//
// hiredis 0.14 has no scheduleTimer hook, so timeouts are not the adapter's job: the Client
// keeps its own Asio timers (connect and command deadlines) and frees the context on expiry.
//
// Threading: everything runs on one strand. The descriptor is constructed with the strand as
// its executor, so every wait completes on it; every hiredis call on the context must be made
// from that strand too (the adapter has no locks: the strand is its only serialization).
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <string>

struct redisAsyncContext;

namespace slwd::store::redis {

// The Client's strand: of the daemon's io_context (run by several threads) or of the client's
// private one (run by one thread).
using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

// Hooks the context's socket into `strand`. On failure returns false with `error` set and leaves
// the context untouched (the caller still owns it and frees it). On success hiredis owns the
// adapter through ac->ev.data until it calls cleanup (from redisAsyncFree or a disconnect),
// which stops every wait and releases, never closes, the fd: hiredis closes it.
bool attach_asio_adapter(const Strand& strand, redisAsyncContext* ac, std::string& error);

}  // namespace slwd::store::redis
