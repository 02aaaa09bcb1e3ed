#include "adapter_context.hpp"

#include <hiredis/async.h>

#include <boost/asio/post.hpp>
#include <cassert>

namespace slwd::store::redis {

AsyncContext::AsyncContext(const Strand& strand, ClosedHandler on_closed)
    : strand_(strand), on_closed_(std::move(on_closed)) {}

std::unique_ptr<AsyncContext> AsyncContext::connect(const Strand& strand, const Target& target,
                                                    ClosedHandler on_closed, std::string& error) {
  redisAsyncContext* ac = target.unix_path.empty()
                              ? redisAsyncConnect(target.ip.c_str(), target.port)
                              : redisAsyncConnectUnix(target.unix_path.c_str());
  if (ac == nullptr) {
    error = "cannot allocate a redis context";
    return nullptr;
  }
  if (ac->c.err != 0) {  // failed at once (e.g. no such unix socket); nothing is attached yet
    error = ac->c.errstr;
    redisAsyncFree(ac);
    return nullptr;
  }
  // hiredis 0.14 leaves keepalive off: an idle connection whose peer vanished without a RST
  // (host down, partition) would otherwise look connected forever.
  if (target.unix_path.empty() && redisEnableKeepAlive(&ac->c) != REDIS_OK) {
    error = ac->c.errstr;
    redisAsyncFree(ac);
    return nullptr;
  }
  if (!attach_asio_adapter(strand, ac, error)) {
    redisAsyncFree(ac);
    return nullptr;
  }
  std::unique_ptr<AsyncContext> self(new AsyncContext(strand, std::move(on_closed)));
  self->ac_ = ac;
  ac->data = self.get();
  // Setting the connect callback arms the first write wait: a non-blocking connect has finished
  // when the socket turns writable (hiredis then checks SO_ERROR). So the adapter must be
  // attached before this call.
  redisAsyncSetConnectCallback(ac, &AsyncContext::on_connect);
  redisAsyncSetDisconnectCallback(ac, &AsyncContext::on_disconnect);
  return self;
}

AsyncContext::~AsyncContext() {
  if (ac_ == nullptr) return;
  redisAsyncContext* ac = ac_;
  // Detach first: the callbacks redisAsyncFree runs (and, if we are inside a hiredis callback,
  // the deferred free later) must not reach this object.
  ac->data = nullptr;
  ac_ = nullptr;
  // Runs every pending reply handler with nullptr, then cleanup (the adapter releases the fd),
  // then the disconnect callback (ignored: data is null), then closes the fd and frees.
  redisAsyncFree(ac);
}

bool AsyncContext::send(const std::string& wire, ReplyHandler handler) {
  if (ac_ == nullptr || (ac_->c.flags & (REDIS_DISCONNECTING | REDIS_FREEING)) != 0) return false;
  // Owned by hiredis from here; on_reply deletes it (hiredis calls it exactly once per command).
  auto* owned = new ReplyHandler(std::move(handler));
  if (redisAsyncFormattedCommand(ac_, &AsyncContext::on_reply, owned, wire.data(), wire.size()) !=
      REDIS_OK) {
    delete owned;
    return false;
  }
  return true;
}

void AsyncContext::on_reply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<ReplyHandler> handler(static_cast<ReplyHandler*>(privdata));
  // Nothing may unwind through hiredis's C frames.
  try {
    (*handler)(static_cast<const redisReply*>(reply));
  } catch (...) {
  }
}

void AsyncContext::on_connect(const redisAsyncContext* ac, int status) {
  // Success needs nothing: commands queued meanwhile are written now. On failure hiredis frees
  // the context as soon as we return, without a disconnect callback.
  if (status == REDIS_OK) return;
  if (auto* self = static_cast<AsyncContext*>(ac->data)) self->hiredis_freeing(ac);
}

void AsyncContext::on_disconnect(const redisAsyncContext* ac, int) {
  // hiredis frees the context right after this returns.
  if (auto* self = static_cast<AsyncContext*>(ac->data)) self->hiredis_freeing(ac);
}

void AsyncContext::hiredis_freeing(const redisAsyncContext* ac) {
  assert(ac == ac_);
  ac_ = nullptr;
  std::string error = ac->c.err != 0 ? std::string(ac->c.errstr) : "connection closed";
  // Through the strand: the owner may destroy us in its handler, which it must not do while
  // hiredis is still on the stack.
  boost::asio::post(strand_,
                    [on_closed = on_closed_, error = std::move(error)] { on_closed(error); });
}

}  // namespace slwd::store::redis
