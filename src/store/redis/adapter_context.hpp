#pragma once
// RAII over one redisAsyncContext (one connection attempt) driven by the Asio adapter.
//
// Who frees the context: hiredis frees it itself after calling our connect callback with an
// error, or our disconnect callback (server closed, I/O error); we free it (redisAsyncFree) in
// the destructor only if neither happened. Either way every reply handler registered with send()
// runs exactly once: with the reply, or with nullptr when the context goes away first.
//
// Reentrancy: hiredis-side events (the connection closing) are reported to `on_closed` through
// the strand (posted), never from inside a hiredis callback, so the owner may destroy this object
// in its handler. The owner must not destroy it from inside a reply handler (post instead); if
// it does anyway, hiredis defers the free until the callback returns and we detach from it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapter.hpp"

struct redisAsyncContext;
struct redisReply;

namespace slwd::store::redis {

class AsyncContext {
 public:
  // nullptr: no reply (the connection went away before it came).
  using ReplyHandler = std::function<void(const redisReply* reply)>;
  // The context is gone (connect failed, or the connection broke); `error` says why.
  using ClosedHandler = std::function<void(std::string error)>;

  struct Target {
    std::string ip;  // numeric address: hiredis would otherwise resolve it, blocking
    std::uint16_t port = 0;
    std::string unix_path;  // used instead of ip/port when set
  };

  // Starts a non-blocking connect. nullptr with `error` set when it failed at once.
  // Every call on the returned object, and its destruction, must happen on `strand`.
  static std::unique_ptr<AsyncContext> connect(const Strand& strand, const Target& target,
                                               ClosedHandler on_closed, std::string& error);

  ~AsyncContext();  // frees the context unless hiredis already did; on_closed is not called
  AsyncContext(const AsyncContext&) = delete;
  AsyncContext& operator=(const AsyncContext&) = delete;

  // Queues one command, already encoded (Command::wire()), behind the others: hiredis pipelines
  // them on the socket and matches replies in order. False when the context is gone or closing:
  // the handler is then dropped without being called.
  bool send(const std::string& wire, ReplyHandler handler);
  bool open() const { return ac_ != nullptr; }

 private:
  AsyncContext(const Strand& strand, ClosedHandler on_closed);

  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  void hiredis_freeing(const redisAsyncContext* ac);

  Strand strand_;
  ClosedHandler on_closed_;
  redisAsyncContext* ac_ = nullptr;  // null once freed (by hiredis or by us)
};

}  // namespace slwd::store::redis
