#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "slwd/security/signature.hpp"

namespace slwd::security {
namespace {

std::string repeat(char c, std::size_t n) {
  return std::string(n, c);
}

struct HmacVector {
  std::string key;
  std::string data;
  const char* hex;
};

// RFC 4231 §4, the HMAC-SHA-256 results (test case 5, truncated output, does not apply).
TEST(HmacSha256, Rfc4231Vectors) {
  std::string key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<char>(i));
  const HmacVector vectors[] = {
      {repeat('\x0b', 20), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {repeat('\xaa', 20), repeat('\xdd', 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, repeat('\xcd', 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {repeat('\xaa', 131),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& v : vectors) EXPECT_EQ(hmac_sha256_hex(v.key, v.data), v.hex) << v.data;
}

// Each thread re-keys one HMAC context for every call (src/security/hmac.cpp): a key must never
// leak into the next call, whichever key (short, block-sized, longer than a block, empty) came
// before, and threads must not share it.
TEST(HmacSha256, ReKeyedContextGivesEveryKeyItsOwnDigestOnEveryThread) {
  const std::string long_key = repeat('\xaa', 131);
  const char* long_hex = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
  const char* jefe_hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const char* empty_hex = "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351";
  auto check = [&](int rounds, int* failures) {
    for (int i = 0; i < rounds; ++i) {
      if (hmac_sha256_hex(long_key, "Test Using Larger Than Block-Size Key - Hash Key First") !=
          long_hex) {
        ++*failures;
      }
      if (hmac_sha256_hex("Jefe", "what do ya want for nothing?") != jefe_hex) ++*failures;
      if (hmac_sha256_hex("", "abc") != empty_hex) ++*failures;
    }
  };
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (auto& f : failures) threads.emplace_back(check, 500, &f);
  for (auto& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

TEST(HmacSha256, EmptyKeyAndBody) {
  // Python: hmac.new(b"", b"abc", sha256) / hmac.new(b"", b"", sha256)
  EXPECT_EQ(hmac_sha256_hex("", "abc"),
            "fd7adb152c05ef80dccf50a1fa4c05d5a3ec6da95575fc312ae7c5d091836351");
  EXPECT_EQ(hmac_sha256_hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256, BinarySafe) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(hmac_sha256_hex("k", with_nul), hmac_sha256_hex("k", "a"));
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(SignatureHeader, PrefixAndLowercaseHex) {
  // Python: "sha256=" + hmac.new(b"bench-secret", b'{"a":1}', sha256).hexdigest()
  EXPECT_EQ(signature_header("bench-secret", R"({"a":1})"),
            "sha256=5989e01e2f2e1512f52e48f880b7e675c189684ef2ada2d399d69c9e738d58a4");
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equals("s3cret", "s3cret"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("s3cret", "s3creT"));
  EXPECT_FALSE(constant_time_equals("s3cret", "s3cret "));
  EXPECT_FALSE(constant_time_equals("s3cret", ""));
  EXPECT_FALSE(constant_time_equals("", "s3cret"));
  EXPECT_FALSE(constant_time_equals(std::string("a\0b", 3), "a"));
}

}  // namespace
}  // namespace slwd::security
