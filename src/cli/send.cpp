// `send`: posts signed events like SmartLead does, over C keep-alive connections, and prints
// one summary line (SPEC §2).
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <mutex>
#include <random>
#include <thread>

#include "commands.hpp"
#include "slwd/events/event.hpp"
#include "slwd/security/signature.hpp"
#include "slwd/store/store.hpp"
#include "slwd/ops/time_format.hpp"

namespace slwd::cli {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr auto kRequestTimeout = std::chrono::seconds(10);

struct Target {
  std::string host;
  std::string port;
  std::string target;
};

Target parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (!std::string_view(url).starts_with(kScheme)) {
    throw std::invalid_argument("--url must start with http:// (got \"" + url + "\")");
  }
  std::string rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Target t;
  t.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    t.host = authority.substr(1, close - 1);
    t.port = close + 1 < authority.size() ? authority.substr(close + 2) : "80";
  } else if (colon != std::string::npos) {
    t.host = authority.substr(0, colon);
    t.port = authority.substr(colon + 1);
  } else {
    t.host = authority;
    t.port = "80";
  }
  if (t.host.empty()) throw std::invalid_argument("--url has no host");
  return t;
}

std::string random_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (auto& c : id) c = kHex[rng() & 15];
  return id;
}

// Counts answers by status; transport failures as "error".
class Tally {
 public:
  void add(const std::string& key) {
    std::lock_guard lock(mutex_);
    ++counts_[key];
  }
  std::string summary(unsigned sent) const {
    std::string line = "sent " + std::to_string(sent) + ":";
    for (const auto& [key, n] : counts_) line += " " + key + "=" + std::to_string(n);
    return line;
  }
  bool all_2xx() const {
    for (const auto& [key, n] : counts_) {
      if (key.size() != 3 || key[0] != '2') return false;
    }
    return true;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, unsigned> counts_;
};

class Connection {
 public:
  explicit Connection(const Target& t) : target_(t), stream_(ioc_) {}

  // Posts one request; returns the status, or nullopt on a transport failure.
  std::optional<unsigned> post(const bhttp::request<bhttp::string_body>& req) {
    for (int attempt = 0; attempt < 2; ++attempt) {  // a reused connection may have closed
      try {
        if (!open_) connect();
        stream_.expires_after(kRequestTimeout);
        bhttp::write(stream_, req);
        beast::flat_buffer buffer;
        bhttp::response<bhttp::string_body> res;
        bhttp::read(stream_, buffer, res);
        if (!res.keep_alive()) close();
        reused_ = open_;
        return res.result_int();
      } catch (const std::exception&) {
        bool was_reused = reused_;
        close();
        if (!was_reused) return std::nullopt;
      }
    }
    return std::nullopt;
  }

 private:
  void connect() {
    tcp::resolver resolver(ioc_);
    stream_.expires_after(kRequestTimeout);
    stream_.connect(resolver.resolve(target_.host, target_.port));
    open_ = true;
    reused_ = false;
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
    open_ = false;
  }

  const Target& target_;
  net::io_context ioc_;
  beast::tcp_stream stream_;
  bool open_ = false;
  bool reused_ = false;  // a failure on a reused connection is retried once on a fresh one
};


// The bodies to post: FILE byte for byte; or the built-in sample, whose event_timestamp is
// moved on by 1 ms per request so that N samples are N distinct events (with store.dedupe_body a
// replayed body counts as a duplicate, as it would coming from SmartLead).
class Bodies {
 public:
  explicit Bodies(const SendOptions& o) : secret_(o.secret) {
    if (o.event.empty()) {
      fixed_ = read_input(o.body_file);
      fixed_signature_ = security::signature_header(secret_, fixed_);
      return;
    }
    auto type = events::canonical_event_type(o.event);
    auto sample = type ? events::sample_body(*type) : std::nullopt;
    if (!sample) throw std::invalid_argument("--event: unknown event type \"" + o.event + "\"");
    sample_ = nlohmann::json::parse(*sample);
    start_ms_ = store::system_now_ms();
  }

  // (body, signature) of request i (0-based)
  std::pair<std::string, std::string> get(unsigned i) const {
    if (sample_.is_null()) return {fixed_, fixed_signature_};
    auto event = sample_;
    event["event_timestamp"] = ops::iso8601_ms(start_ms_ + i);
    std::string body = event.dump();
    std::string signature = security::signature_header(secret_, body);
    return {std::move(body), std::move(signature)};
  }

 private:
  std::string secret_;
  std::string fixed_;
  std::string fixed_signature_;
  nlohmann::json sample_;
  std::int64_t start_ms_ = 0;
};

}  // namespace

int send(const SendOptions& o) {
  Target target = parse_url(o.url);
  const Bodies bodies(o);

  Tally tally;
  std::atomic<unsigned> next{0};
  auto worker = [&] {
    Connection connection(target);
    for (unsigned i = next++; i < o.count; i = next++) {
      bhttp::request<bhttp::string_body> req{bhttp::verb::post, target.target, 11};
      req.set(bhttp::field::host, target.host);
      req.set(bhttp::field::content_type, "application/json");
      req.set(bhttp::field::user_agent, "smartlead-webhookd-send");
      auto [body, signature] = bodies.get(i);
      req.set("X-Smartlead-Signature", signature);
      std::string id = o.request_id.empty() ? random_id()
                       : o.count > 1        ? o.request_id + "-" + std::to_string(i + 1)
                                            : o.request_id;
      req.set("X-Request-Id", id);
      req.body() = std::move(body);
      req.prepare_payload();
      auto status = connection.post(req);
      tally.add(status ? std::to_string(*status) : "error");
    }
  };
  std::vector<std::thread> threads;
  for (unsigned c = 0; c < std::min(o.concurrency, o.count); ++c) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  std::cout << tally.summary(o.count) << "\n";
  return tally.all_2xx() ? 0 : 1;
}

}  // namespace slwd::cli
