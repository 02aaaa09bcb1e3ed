#pragma once
// A loopback TCP proxy between a store and its redis-server that can act at an exact point of a
// store's conversation: the first time a command containing `needle` passes (armed once), it
// runs `before` and only then forwards the command. That is how the claim tests destroy a group
// after the claim script has run and before the store's own XREADGROUP reaches Redis, a window
// no timing can hit reliably. It also counts the commands it forwarded, by name.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace slwd::store::test {

class ClaimProxy {
 public:
  explicit ClaimProxy(std::uint16_t upstream_port);
  ~ClaimProxy();
  ClaimProxy(const ClaimProxy&) = delete;
  ClaimProxy& operator=(const ClaimProxy&) = delete;

  std::string url() const;  // redis://127.0.0.1:PORT of the proxy
  // The next command that contains `needle` (e.g. "XREADGROUP") waits for `before` to return.
  void arm(std::string needle, std::function<void()> before);
  bool fired() const { return fired_.load(); }
  // Commands forwarded so far whose name is `name` (upper case, e.g. "EVALSHA").
  long long commands(const std::string& name);
  void reset_counts();

 private:
  void accept_loop();
  void pump_to_server(int client, int server);

  std::uint16_t upstream_port_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;  // guards everything below
  std::vector<int> sockets_;
  std::vector<std::thread> pumps_;
  std::string needle_;
  std::function<void()> before_;
  std::map<std::string, long long> counts_;
  std::atomic<bool> fired_{false};
  std::atomic<bool> stopping_{false};
};

}  // namespace slwd::store::test
