#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the benchmark and reliability tools: it stands in for
// what the daemon's `http` handlers deliver to. A policy decides, per request, what to answer and
// when — at once (a fast sink), after a delay, or never (a target that hangs and then drops the
// connection). Keep-alive is honoured; every accepted connection is served on the server's own
// io threads, so a hanging answer never holds back another connection.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace slwd::bench {

struct SinkRequest {
  std::string target;       // e.g. /all
  std::string request_id;   // X-Request-Id
  std::string event_type;   // X-Smartlead-Event
  std::string signature;    // X-Smartlead-Signature
  std::string body;
};

struct SinkReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "ok";
  std::chrono::milliseconds delay{0};  // wait this long before answering (or dropping)
  bool drop = false;                   // after `delay`, close the connection without an answer
};

// Called on an io thread, possibly from several at once: it must be thread-safe.
using SinkPolicy = std::function<SinkReply(const SinkRequest&)>;

class BenchHttpServer {
 public:
  // Listens on 127.0.0.1:port at once (port 0: any free port, see port()).
  BenchHttpServer(unsigned short port, unsigned threads, SinkPolicy policy);
  ~BenchHttpServer();  // stops accepting, cuts every connection, joins the threads
  BenchHttpServer(const BenchHttpServer&) = delete;
  BenchHttpServer& operator=(const BenchHttpServer&) = delete;

  unsigned short port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slwd::bench
