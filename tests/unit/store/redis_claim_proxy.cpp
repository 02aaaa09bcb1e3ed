#include "redis_claim_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace slwd::store::test {
namespace {

bool send_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

// One line "<prefix><number>\r\n" at `at`; advances `at` past it. nullopt while incomplete.
std::optional<long> read_number_line(const std::string& buffer, std::size_t& at) {
  const auto end = buffer.find("\r\n", at);
  if (end == std::string::npos) return std::nullopt;
  const long value = std::strtol(buffer.c_str() + at + 1, nullptr, 10);
  at = end + 2;
  return value;
}

// The length of the complete command (a RESP array of bulk strings, as hiredis writes them) at
// the start of `buffer`, and its name; 0 while it is incomplete.
std::size_t complete_command(const std::string& buffer, std::string& name) {
  std::size_t at = 0;
  if (buffer.empty() || buffer[0] != '*') return buffer.size();  // not RESP: pass it through
  const auto count = read_number_line(buffer, at);
  if (!count) return 0;
  for (long i = 0; i < *count; ++i) {
    if (at >= buffer.size()) return 0;
    const auto len = read_number_line(buffer, at);
    if (!len || at + static_cast<std::size_t>(*len) + 2 > buffer.size()) return 0;
    if (i == 0) {
      name = buffer.substr(at, static_cast<std::size_t>(*len));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    at += static_cast<std::size_t>(*len) + 2;
  }
  return at;
}

}  // namespace

ClaimProxy::ClaimProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("claim proxy: cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ClaimProxy::~ClaimProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  ::close(listener_);
  std::vector<std::thread> pumps;
  {
    std::lock_guard lock(mutex_);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
    pumps.swap(pumps_);
  }
  for (auto& t : pumps) t.join();
  for (int fd : sockets_) ::close(fd);
}

std::string ClaimProxy::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

void ClaimProxy::arm(std::string needle, std::function<void()> before) {
  std::lock_guard lock(mutex_);
  needle_ = std::move(needle);
  before_ = std::move(before);
}

long long ClaimProxy::commands(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(name);
  return it == counts_.end() ? 0 : it->second;
}

void ClaimProxy::reset_counts() {
  std::lock_guard lock(mutex_);
  counts_.clear();
}

void ClaimProxy::accept_loop() {
  for (;;) {
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;  // shut down
    const int server = connect_loopback(upstream_port_);
    if (server < 0 || stopping_) {
      ::close(client);
      if (server >= 0) ::close(server);
      continue;
    }
    std::lock_guard lock(mutex_);
    sockets_.push_back(client);
    sockets_.push_back(server);
    pumps_.emplace_back([this, client, server] { pump_to_server(client, server); });
    pumps_.emplace_back([client, server] {
      char buf[65536];
      for (;;) {
        const auto n = ::recv(server, buf, sizeof buf, 0);
        if (n <= 0 || !send_all(client, buf, static_cast<std::size_t>(n))) break;
      }
      ::shutdown(client, SHUT_RDWR);
    });
  }
}

// Forwards whole commands only, so a hook runs exactly between two of them.
void ClaimProxy::pump_to_server(int client, int server) {
  std::string pending;
  char buf[65536];
  for (;;) {
    const auto n = ::recv(client, buf, sizeof buf, 0);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    for (;;) {
      std::string name;
      const auto size = complete_command(pending, name);
      if (size == 0) break;
      std::function<void()> hook;
      {
        std::lock_guard lock(mutex_);
        ++counts_[name];
        if (!needle_.empty() && name == needle_) {
          hook = std::move(before_);
          needle_.clear();
        }
      }
      if (hook) {
        hook();
        fired_ = true;
      }
      if (!send_all(server, pending.data(), size)) return;
      pending.erase(0, size);
    }
  }
  ::shutdown(server, SHUT_RDWR);
}

}  // namespace slwd::store::test
