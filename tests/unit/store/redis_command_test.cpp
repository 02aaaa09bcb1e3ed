// slwd::store::redis::Command: the RESP encoding the client puts on the wire as is (hiredis does
// not look inside it), so a wrong length here would desynchronise the whole pipeline.
#include <gtest/gtest.h>

#include <string>

#include "slwd/store/redis/command.hpp"

namespace slwd::store::redis {
namespace {

using namespace std::string_literals;

TEST(RedisCommand, EncodesAnArrayOfBulkStrings) {
  Command command("SET");
  command.arg("key").arg("value");
  EXPECT_EQ(command.argc(), 3u);
  EXPECT_EQ(command.name(), "SET");
  EXPECT_EQ(std::move(command).wire(), "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n");
}

TEST(RedisCommand, ArgumentsAreBinarySafeAndMayBeEmpty) {
  Command command("SET");
  command.arg("a\0b\r\n"s).arg("");
  EXPECT_EQ(std::move(command).wire(), "*3\r\n$3\r\nSET\r\n$5\r\na\0b\r\n\r\n$0\r\n\r\n"s);
}

TEST(RedisCommand, IntegersAreSentAsDecimalText) {
  Command command("EXPIRE");
  command.arg(std::int64_t{-42}).arg(std::int64_t{1'700'000'000'000});
  EXPECT_EQ(std::move(command).wire(),
            "*3\r\n$6\r\nEXPIRE\r\n$3\r\n-42\r\n$13\r\n1700000000000\r\n");
}

TEST(RedisCommand, AppendSplicesARunOfArgumentsEncodedElsewhere) {
  Command part;  // no name: just arguments, as a recorded event's share of a batch
  part.arg("k1").arg(std::string(300, 'x'));
  EXPECT_EQ(part.argc(), 2u);

  Command command("MSET");
  command.append(part).append(Command().arg("k2").arg("v2"));
  EXPECT_EQ(command.argc(), 5u);
  EXPECT_EQ(command.name(), "MSET");
  EXPECT_EQ(std::move(command).wire(), "*5\r\n$4\r\nMSET\r\n$2\r\nk1\r\n$300\r\n" +
                                           std::string(300, 'x') + "\r\n$2\r\nk2\r\n$2\r\nv2\r\n");
}

TEST(RedisCommand, NameOfALongFirstArgument) {
  const std::string name(1000, 'n');
  Command command(name);
  EXPECT_EQ(command.name(), name);
  EXPECT_EQ(Command().name(), "");
}

}  // namespace
}  // namespace slwd::store::redis
