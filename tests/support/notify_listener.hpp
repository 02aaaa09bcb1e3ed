#pragma once
// A stand-in for systemd's notify socket: an AF_UNIX datagram socket bound to a fresh path, to be
// handed to the code under test as $NOTIFY_SOCKET. It reads every sd_notify datagram in arrival
// order, with the sender's pid (SO_PASSCRED), so tests can check what a service manager would see.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slwd::test {

struct NotifyMessage {
  std::string text;                           // "READY=1\nSTATUS=..."
  std::map<std::string, std::string> fields;  // READY -> "1", STATUS -> "..."
  pid_t sender = 0;
  std::chrono::steady_clock::time_point arrived;

  bool has(std::string_view assignment) const;  // e.g. has("READY=1")
};

class NotifyListener {
 public:
  NotifyListener();
  ~NotifyListener();
  NotifyListener(const NotifyListener&) = delete;
  NotifyListener& operator=(const NotifyListener&) = delete;

  const std::string& path() const { return path_; }

  // The next datagram not yet returned by next()/next_with(), waiting up to `timeout`.
  std::optional<NotifyMessage> next(std::chrono::milliseconds timeout);
  // Skips datagrams until one has `assignment` (e.g. "READY=1"); nullopt when none came in time.
  std::optional<NotifyMessage> next_with(std::string_view assignment,
                                         std::chrono::milliseconds timeout);
  // Every datagram received so far (reads what is queued without waiting).
  const std::vector<NotifyMessage>& all();
  // How many datagrams received so far have `assignment`.
  std::size_t count(std::string_view assignment);

 private:
  bool receive(std::chrono::milliseconds timeout);  // one datagram into messages_

  std::string path_;
  int fd_ = -1;
  std::vector<NotifyMessage> messages_;
  std::size_t cursor_ = 0;
};

}  // namespace slwd::test
