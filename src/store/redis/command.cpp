#include "slwd/store/redis/command.hpp"

#include <charconv>
#include <utility>

namespace slwd::store::redis {
namespace {

void append_number(std::string& out, std::size_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  out.append(digits, end);
}

}  // namespace

Command& Command::arg(std::string_view value) {
  args_ += '$';
  append_number(args_, value.size());
  args_ += "\r\n";
  args_ += value;
  args_ += "\r\n";
  ++argc_;
  return *this;
}

Command& Command::arg(std::int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof(digits), value).ptr;
  return arg(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

Command& Command::append(const Command& more) {
  args_ += more.args_;
  argc_ += more.argc_;
  return *this;
}

std::string_view Command::name() const {
  if (argc_ == 0) return {};
  // "$<len>\r\n<bytes>\r\n": written by arg() above, so well formed.
  auto eol = args_.find("\r\n");
  std::size_t len = 0;
  std::from_chars(args_.data() + 1, args_.data() + eol, len);
  return std::string_view(args_).substr(eol + 2, len);
}

std::string Command::wire() && {
  std::string header = "*";
  append_number(header, argc_);
  header += "\r\n";
  args_.insert(0, header);
  argc_ = 0;
  return std::move(args_);
}

}  // namespace slwd::store::redis
