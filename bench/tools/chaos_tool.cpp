// The moving parts of bench/chaos.sh (issue #8), one subcommand each:
//   chaos_tool send  --url U [--url U2] --secret S --prefix P --journal F
//                    [--connections 8] [--rate 200] [--seconds 60] [--timeout-ms 4000]
//                    [--backoff-ms 1000,5000,30000]
//   chaos_tool sink  --port N --journal F --secret S [--cycle-ms 20000] [--hang-ms 3000]
//   chaos_tool check --label L --sender F [--sender F2] --sink F --handler NAME[=T1+T2]...
//                    [--faults F] [--pending N] [--dead N] [--extra TEXT]
//   chaos_tool free-ports N          N distinct free loopback TCP ports, one per line
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <vector>

#include "bench_args.hpp"
#include "chaos_check.hpp"
#include "chaos_sender.hpp"
#include "chaos_sink.hpp"

namespace {

using namespace slwd::bench;
using std::chrono::milliseconds;

int send(const Args& a) {
  ChaosSenderOptions o;
  o.urls = a.values("url");
  o.secret = a.text("secret");
  o.id_prefix = a.text("prefix");
  o.journal = a.text("journal");
  o.connections = static_cast<int>(a.number("connections", o.connections));
  o.rate = a.number("rate", o.rate);
  o.seconds = a.number("seconds", o.seconds);
  o.timeout = milliseconds(static_cast<long long>(a.number("timeout-ms", 4000)));
  if (a.has("backoff-ms")) {
    o.backoff.clear();
    for (const auto& ms : split(a.text("backoff-ms"), ',')) o.backoff.emplace_back(std::stoll(ms));
  }
  return run_chaos_sender(o);
}

int sink(const Args& a) {
  ChaosSinkOptions o;
  o.port = static_cast<unsigned short>(a.number("port", 0));
  o.journal = a.text("journal");
  o.secret = a.text("secret");
  o.cycle = milliseconds(static_cast<long long>(a.number("cycle-ms", 20000)));
  o.hang = milliseconds(static_cast<long long>(a.number("hang-ms", 3000)));
  return run_chaos_sink(o);
}

int check(const Args& a) {
  ChaosCheckOptions o;
  o.label = a.text("label");
  o.sender_journals = a.values("sender");
  o.sink_journal = a.text("sink");
  for (const auto& spec : a.values("handler")) {
    const auto eq = spec.find('=');
    o.handlers[spec.substr(0, eq)] = eq == std::string::npos ? std::vector<std::string>{} : split(spec.substr(eq + 1), '+');
  }
  o.faults_log = a.text("faults", "");
  o.pending = static_cast<long long>(a.number("pending", -1));
  o.dead = static_cast<long long>(a.number("dead", -1));
  o.extra = a.text("extra", "");
  return run_chaos_check(o);
}

// Holds every port open until all are chosen, so the N are distinct.
int free_ports(int n) {
  namespace net = boost::asio;
  net::io_context ioc;
  std::vector<net::ip::tcp::acceptor> held;
  for (int i = 0; i < n; ++i) {
    held.emplace_back(ioc, net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    std::printf("%u\n", static_cast<unsigned>(held.back().local_endpoint().port()));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  try {
    if (!words.empty()) {
      const auto command = words.front();
      const std::vector<std::string> rest(words.begin() + 1, words.end());
      if (command == "send") {
        return send(Args(rest, {"url", "secret", "prefix", "journal", "connections", "rate", "seconds",
                                "timeout-ms", "backoff-ms"}));
      }
      if (command == "sink") return sink(Args(rest, {"port", "journal", "secret", "cycle-ms", "hang-ms"}));
      if (command == "check") {
        return check(Args(rest, {"label", "sender", "sink", "handler", "faults", "pending", "dead", "extra"}));
      }
      if (command == "free-ports" && rest.size() == 1) return free_ports(std::stoi(rest[0]));
    }
  } catch (const std::exception& e) {
    std::cerr << "chaos_tool: " << e.what() << "\n";
    return 2;
  }
  std::cerr << "usage: chaos_tool send|sink|check|free-ports ... (see bench/tools/chaos_tool.cpp)\n";
  return 2;
}
