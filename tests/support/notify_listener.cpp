#include "notify_listener.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace slwd::test {
namespace {

std::map<std::string, std::string> parse_fields(const std::string& text) {
  std::map<std::string, std::string> fields;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

}  // namespace

bool NotifyMessage::has(std::string_view assignment) const {
  auto eq = assignment.find('=');
  auto it = fields.find(std::string(assignment.substr(0, eq)));
  return it != fields.end() &&
         (eq == std::string_view::npos || it->second == assignment.substr(eq + 1));
}

NotifyListener::NotifyListener() {
  static std::atomic<int> counter{0};
  // sun_path holds 108 bytes: keep it short and in /tmp rather than under a deep temp dir.
  path_ =
      "/tmp/slwd-notify-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".sock";
  ::unlink(path_.c_str());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    throw std::runtime_error("bind " + path_ + ": " + std::strerror(errno));
  }
  int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
}

NotifyListener::~NotifyListener() {
  if (fd_ >= 0) ::close(fd_);
  ::unlink(path_.c_str());
}

bool NotifyListener::receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[4096];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
  iovec iov{buffer, sizeof buffer};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT);
  if (n < 0) return false;
  NotifyMessage m;
  m.text.assign(buffer, static_cast<std::size_t>(n));
  m.fields = parse_fields(m.text);
  m.arrived = std::chrono::steady_clock::now();
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      ucred cred{};
      std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
      m.sender = cred.pid;
    }
  }
  messages_.push_back(std::move(m));
  return true;
}

std::optional<NotifyMessage> NotifyListener::next(std::chrono::milliseconds timeout) {
  if (cursor_ == messages_.size() && !receive(timeout)) return std::nullopt;
  return messages_[cursor_++];
}

std::optional<NotifyMessage> NotifyListener::next_with(std::string_view assignment,
                                                       std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto m = next(std::max(left, std::chrono::milliseconds(0)));
    if (!m) return std::nullopt;
    if (m->has(assignment)) return m;
  }
}

const std::vector<NotifyMessage>& NotifyListener::all() {
  while (receive(std::chrono::milliseconds(0))) {
  }
  return messages_;
}

std::size_t NotifyListener::count(std::string_view assignment) {
  std::size_t n = 0;
  for (const auto& m : all()) n += m.has(assignment) ? 1 : 0;
  return n;
}

}  // namespace slwd::test
