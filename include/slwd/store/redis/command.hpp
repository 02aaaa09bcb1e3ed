#pragma once
// One Redis command, encoded as it goes on the wire (a RESP array of bulk strings) while its
// arguments are appended: no vector of argument copies and no second formatting pass in hiredis.
// A Command can also hold just a run of arguments, encoded ahead of time on the caller's thread
// and spliced into a larger command later (append()): that is how a batch of recorded events is
// put together without touching each event's fields again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slwd::store::redis {

class Command {
 public:
  Command() = default;
  explicit Command(std::string_view name) { arg(name); }

  // Binary-safe: the value is copied as is, NUL bytes included.
  Command& arg(std::string_view value);
  Command& arg(std::int64_t value);
  // Spelled out so a string literal does not have to choose between the other two.
  Command& arg(const char* value) { return arg(std::string_view(value)); }
  // Appends every argument of `more`, in order.
  Command& append(const Command& more);

  std::size_t argc() const { return argc_; }
  // The first argument ("EVALSHA"), empty for an empty command.
  std::string_view name() const;
  // The whole command: "*<argc>\r\n" then each "$<len>\r\n<bytes>\r\n". Consumes the
  // builder (the header goes in front of the arguments' buffer, which is not copied).
  std::string wire() &&;

 private:
  std::string args_;  // the encoded arguments, without the array header
  std::size_t argc_ = 0;
};

}  // namespace slwd::store::redis
