#pragma once
// Async hiredis on Asio (DESIGN §4: shaped like hiredis's adapters/libuv.h — all six hooks incl.
// the timer, one strand, the fd released not closed, RAII over every hiredis handle): one
// pipelined connection, with connect and command timeouts and reconnection with backoff.
// hiredis types stay out of this header.
//
// Where it runs: on one strand. Given the daemon's io_context, the strand is one of its strands,
// so a record goes from a session to Redis and its answer back without leaving the io threads
// (no hop to a thread of our own, no context switch). Without one (CLI tools, tests), the client
// runs a private io_context on a thread of its own ("slwd-redis"), the same code with that
// io_context's strand.
//
// Throughput comes from pipelining and batching, not from more connections: commands queued in
// one turn of the strand leave in one write, and callers that can (the store's ingest) put many
// operations into one command (see post()).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slwd/store/redis/command.hpp"

namespace boost::asio {
class io_context;
}

namespace slwd::store::redis {

// redis://[[user]:password@]host[:port][/db] or unix:///path/to.sock[?db=N]
struct RedisUrl {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string unix_path;  // set for unix://
  std::string username;
  std::string password;   // never logged
  int db = 0;
};
// nullopt with `error` set (never containing the password) when the URL is not one of the forms.
std::optional<RedisUrl> parse_redis_url(std::string_view url, std::string& error);

// An owned copy of a redisReply.
struct Reply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  std::string str;  // status, error and string replies
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
};

struct ClientOptions {
  RedisUrl url;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::string name = "slwd";  // CLIENT SETNAME, for operators reading CLIENT LIST
};

class Client {
 public:
  // `reply` is set when Redis answered (possibly with an error reply); otherwise `error` says
  // why not: "timeout", "disconnected", "not connected".
  using Callback = std::function<void(std::optional<Reply> reply, std::string error)>;

  // Without `io`: a private io thread. With `io`: a strand of it, and then
  //  - `io` must outlive this object, and threads must be running it whenever the client is
  //    started, used, stopped or destroyed (before stop() completed: see there);
  //  - hiredis writes with write(2), so a write to a socket the server reset raises SIGPIPE on
  //    whichever io thread wrote: the owner must ignore or block SIGPIPE on those threads (serve
  //    ignores it process-wide; the private thread blocks it for itself).
  explicit Client(ClientOptions options, boost::asio::io_context* io = nullptr);
  // stop(), then (private thread) joins the thread. Destroyed from one of its own callbacks or
  // another handler on an io thread, it cannot wait: the strand finishes the stop on its own.
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Connects in the background (and again after every disconnection, with backoff).
  void start();
  // Waits up to `timeout` for the first connection; false if it did not come up.
  bool wait_connected(std::chrono::milliseconds timeout);
  bool connected() const;
  // Closes the connection and stops reconnecting: every pending callback runs once with
  // "disconnected", and so does every later command's. Waits until it is done (tasks posted
  // before it have run), unless called on a thread running the client's io_context (it posts
  // the stop then). Idempotent; after it the destructor needs no running io thread.
  void stop();

  // Sends one command (binary-safe arguments), pipelined behind the others. The callback runs
  // exactly once, on the client's strand, at the latest `command_timeout` after the call.
  void command(std::vector<std::string> args, Callback callback);
  // The same for a command already encoded (no argument copies), with the deadline counted from
  // `since` (when the caller took the work on) rather than from this call: work that waited in a
  // caller's batch gets no longer than the rest.
  void send(Command command, Callback callback, std::chrono::steady_clock::time_point since);
  // Runs `task` once on the client's strand, after everything already queued there; commands it
  // sends go out in that order. This is how callers coalesce work that arrives from several
  // threads into one command: a task posted by the first arrival finds the rest queued behind
  // it. A task posted before stop() or the destructor starts runs before it returns.
  void post(std::function<void()> task);
  // Blocking form for worker and tool threads: the reply, or std::runtime_error with a one-line
  // reason (an error reply is returned, not thrown). std::logic_error on a thread that runs the
  // client's io_context: it could be waiting for itself (with one io thread, it would).
  Reply call(std::vector<std::string> args);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace slwd::store::redis
