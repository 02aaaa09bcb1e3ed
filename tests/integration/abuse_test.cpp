// Hostile bodies (issue #8 item 4): 10,000-deep JSON, and 1,000 random bodies signed and
// unsigned. Every answer must be one SPEC §4 allows for that request, never a 5xx, the daemon
// must stay up, and nothing unsigned may be recorded.
#include <map>
#include <random>
#include <set>

#include "abuse_support.hpp"

namespace slwd::testing {
namespace {

using namespace abuse;
using namespace std::string_literals;

std::string nested(std::size_t depth, char open, char close, const std::string& inner) {
  std::string out;
  out.reserve(depth * 8);
  for (std::size_t i = 0; i < depth; ++i) out += open == '{' ? std::string("{\"a\":") : std::string(1, open);
  out += inner;
  out.append(depth, close);
  return out;
}

TEST(AbuseBodies, TenThousandDeepJsonIsRefusedWith400AndTheDaemonKeepsServing) {
  TempDir dir;
  Daemon daemon(dir, config(""));
  daemon.start();
  const std::vector<std::pair<std::string, std::string>> bodies = {
      {"deep-arrays", R"({"event_type":"EMAIL_REPLY","x":)" + nested(10000, '[', ']', "1") + "}"},
      {"deep-objects", R"({"event_type":"EMAIL_REPLY","x":)" + nested(10000, '{', '}', "1") + "}"},
      // unterminated: the nesting never closes
      {"deep-open", R"({"event_type":"EMAIL_REPLY","x":)" + std::string(10000, '[')},
      {"deep-top", nested(10000, '[', ']', "")},
  };
  for (const auto& [id, body] : bodies) {
    SCOPED_TRACE(id);
    auto r = post_signed(daemon.port(), body, kSecret, id);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.body.rfind(R"({"error":"invalid payload: )", 0), 0u) << r.body;
    // unsigned, the same body is refused before it is parsed
    auto unsigned_r = http_request(daemon.port(), "POST", "/webhooks/smartlead", body,
                                   {{"X-Request-Id", id + "-unsigned"}});
    EXPECT_EQ(unsigned_r.status, 401u);
  }
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/healthz", "").status, 200u);
  EXPECT_EQ(post_signed(daemon.port(), sample_reply_body("after"), kSecret, "after-deep").status, 200u);
  // the authentic ones are in the quarantine, the unsigned ones nowhere
  auto q = quarantined_ids(daemon);
  EXPECT_EQ(q, (std::vector<std::string>{"deep-arrays", "deep-objects", "deep-open", "deep-top"}));
}

// Bodies that look like what a parser meets in the wild: random bytes, mutated valid events,
// truncations, odd unicode, deep or wide nesting, NaN and friends.
class BodyGenerator {
 public:
  explicit BodyGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string next() {
    switch (pick(8)) {
      case 0: return random_bytes(pick(600));
      case 1: return mutate(sample_reply_body("m" + std::to_string(pick(1000000))));
      case 2: {
        auto s = sample_reply_body("t" + std::to_string(pick(1000000)));
        return s.substr(0, pick(s.size() + 1));
      }
      case 3: return nested_random(1 + pick(120));
      case 4: return R"({"event_type":)" + pick_of({R"("EMAIL_REPLY")", "null", "1", "NaN", R"("")",
                                                    R"("\ud800")", "[]", R"("UNKNOWN_TYPE")"}) +
                     pick_of({"}", ",}", "} x", "}}", R"(,"event_type":"EMAIL_OPEN"})", ""});
      case 5: return pick_of({"", "{}", "[]", "null", "\"x\"", "{'a':1}", "{\"a\":1,}",
                              "{\"event_type\":\"EMAIL_OPEN\"}\0"s, "\xEF\xBB\xBF{\"event_type\":\"EMAIL_OPEN\"}",
                              "{\"event_type\":\"EMAIL_OPEN\",\"x\":\"\xC0\xAF\"}",
                              "{\"event_type\":\"EMAIL_OPEN\",\"x\":1e999999}"});
      case 6: return wide(pick(3000));
      default: return mutate(mutate(sample_reply_body("mm")));
    }
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
  std::string pick_of(std::initializer_list<std::string> options) {
    auto it = options.begin();
    std::advance(it, pick(options.size()));
    return *it;
  }
  std::string random_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(pick(256));
    return s;
  }
  std::string mutate(std::string s) {
    const std::size_t edits = 1 + pick(5);
    for (std::size_t i = 0; i < edits && !s.empty(); ++i) {
      std::size_t at = pick(s.size());
      switch (pick(4)) {
        case 0: s[at] = static_cast<char>(pick(256)); break;
        case 1: s.erase(at, 1 + pick(8)); break;
        case 2: s.insert(at, pick_of({"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "null", "\xF0\x9F\x98\x80"})); break;
        default: s.insert(at, s.substr(pick(s.size()), pick(20))); break;
      }
    }
    return s;
  }
  std::string nested_random(std::size_t depth) {
    std::string open, close;
    for (std::size_t i = 0; i < depth; ++i) {
      if (pick(2)) {
        open += "[";
        close.insert(0, "]");
      } else {
        open += "{\"k\":";
        close.insert(0, "}");
      }
    }
    return R"({"event_type":"EMAIL_OPEN","n":)" + open + "1" + close + "}";
  }
  std::string wide(std::size_t keys) {
    std::string s = R"({"event_type":"EMAIL_OPEN")";
    for (std::size_t i = 0; i < keys; ++i) s += ",\"k" + std::to_string(pick(50)) + "\":" + std::to_string(i);
    return s + "}";
  }

  std::mt19937 rng_;
};

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

TEST(AbuseBodies, AThousandRandomBodiesSignedAndUnsignedGetOnlyAnswersSpecSection4Allows) {
  std::uint32_t seed = std::random_device{}();
  if (const char* forced = std::getenv("SLWD_ABUSE_SEED")) seed = static_cast<std::uint32_t>(std::stoul(forced));
  SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with SLWD_ABUSE_SEED=" + std::to_string(seed) + ")");
  BodyGenerator generate(seed);

  TempDir dir;
  Daemon daemon(dir, config(""));
  daemon.start();
  std::vector<std::string> received, quarantined, unsigned_ids;
  for (int i = 0; i < 1000; ++i) {
    const std::string body = generate.next();
    const bool is_signed = i % 2 == 0;
    const std::string id = (is_signed ? "rnd-signed-" : "rnd-unsigned-") + std::to_string(i);
    std::map<std::string, std::string> headers{{"X-Request-Id", id}};
    if (is_signed) {
      headers["X-Smartlead-Signature"] = sign(kSecret, body);
    } else if (i % 4 == 1) {  // half the unsigned ones carry a wrong signature
      headers["X-Smartlead-Signature"] = sign("not-the-secret", body);
    }
    auto r = http_request(daemon.port(), "POST", "/webhooks/smartlead", body, headers);
    SCOPED_TRACE("request " + std::to_string(i) + " body " + nlohmann::json(body).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace));
    ASSERT_NE(r.status, 0u) << "no answer: the daemon died or hung";
    ASSERT_LT(r.status, 500u) << r.body;
    if (!is_signed) {
      unsigned_ids.push_back(id);
      EXPECT_EQ(r.status, 401u);
      EXPECT_EQ(r.body, R"({"error":"invalid signature"})");
      continue;
    }
    if (r.status == 200) {
      EXPECT_TRUE(r.body == R"({"received":true})" || r.body == R"({"status":"already_processed"})") << r.body;
      if (r.body == R"({"received":true})") received.push_back(id);
    } else {
      ASSERT_EQ(r.status, 400u) << r.body;
      EXPECT_TRUE(starts_with(r.body, R"({"error":"invalid payload: )")) << r.body;
      EXPECT_TRUE(nlohmann::json::accept(r.body)) << "the error body is valid JSON";
      quarantined.push_back(id);
    }
  }
  EXPECT_EQ(http_request(daemon.admin_port(), "GET", "/healthz", "").status, 200u);
  flush_deliveries(daemon, dir, "random-flush");
  auto ids = delivered_ids(dir);
  std::set<std::string> delivered_set(ids.begin(), ids.end());
  for (const auto& id : received) EXPECT_TRUE(delivered_set.count(id)) << id << " acknowledged but not delivered";
  auto q = quarantined_ids(daemon);
  std::set<std::string> quarantine_set(q.begin(), q.end());
  for (const auto& id : quarantined) EXPECT_TRUE(quarantine_set.count(id)) << id << " refused but not quarantined";
  for (const auto& id : unsigned_ids) {
    EXPECT_FALSE(delivered_set.count(id)) << id;
    EXPECT_FALSE(quarantine_set.count(id)) << id;
  }
  std::cout << "[ random ] seed " << seed << ": " << received.size() << " accepted, " << quarantined.size()
            << " quarantined, " << unsigned_ids.size() << " unsigned refused\n";
}

}  // namespace
}  // namespace slwd::testing
