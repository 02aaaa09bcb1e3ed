#include "chaos_sink.hpp"

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>

#include "bench_events.hpp"
#include "bench_http_server.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::bench {
namespace {

using Clock = std::chrono::steady_clock;

enum class Behaviour { ok, error, hang, throttle, mixed };

const char* name_of(Behaviour b) {
  switch (b) {
    case Behaviour::ok: return "200";
    case Behaviour::error: return "500";
    case Behaviour::hang: return "hang";
    case Behaviour::throttle: return "429";
    case Behaviour::mixed: return "mixed";
  }
  return "?";
}

// Shares of the cycle: 40% working, then 15% each of 500, hang, 429 and a mix of all.
Behaviour behaviour_at(double phase) {
  if (phase < 0.40) return Behaviour::ok;
  if (phase < 0.55) return Behaviour::error;
  if (phase < 0.70) return Behaviour::hang;
  if (phase < 0.85) return Behaviour::throttle;
  return Behaviour::mixed;
}

class Sink {
 public:
  explicit Sink(const ChaosSinkOptions& o)
      : options_(o), start_(Clock::now()), journal_(std::fopen(o.journal.c_str(), "w")) {
    if (!journal_) throw std::runtime_error("cannot write " + o.journal);
  }
  ~Sink() { std::fclose(journal_); }

  void calm() { calm_ = true; }

  SinkReply answer(const SinkRequest& r) {
    const std::string handler = r.target.size() > 1 ? r.target.substr(1) : "?";
    auto behaviour = calm_ ? Behaviour::ok : behaviour_now(handler);
    SinkReply reply;
    if (behaviour == Behaviour::mixed) behaviour = pick_mixed();
    switch (behaviour) {
      case Behaviour::ok:
      case Behaviour::mixed:
        check_and_record(handler, r);
        break;
      case Behaviour::error:
        reply.status = 500;
        reply.body = "flapping";
        break;
      case Behaviour::hang:
        reply.delay = options_.hang;
        reply.drop = true;
        break;
      case Behaviour::throttle:
        reply.status = 429;
        reply.headers.emplace_back("Retry-After", "1");
        reply.body = "slow down";
        break;
    }
    std::lock_guard lock(mutex_);
    ++answered_[name_of(behaviour)];
    return reply;
  }

  void summary() {
    std::lock_guard lock(mutex_);
    std::fflush(journal_);
    std::string text;
    for (const auto& [what, n] : answered_) text += " " + what + "=" + std::to_string(n);
    std::printf("sink: answers:%s corrupt=%llu\n", text.empty() ? " none" : text.c_str(),
                static_cast<unsigned long long>(corrupt_));
    std::fflush(stdout);
  }

 private:
  Behaviour behaviour_now(const std::string& handler) {
    const auto elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const auto cycle = std::chrono::duration<double>(options_.cycle).count();
    // Each handler on its own offset, so they are rarely down together.
    const double offset = static_cast<double>(std::hash<std::string>{}(handler) % 1000) / 1000.0;
    double phase = elapsed / cycle + offset;
    return behaviour_at(phase - static_cast<double>(static_cast<long long>(phase)));
  }

  Behaviour pick_mixed() {
    std::lock_guard lock(mutex_);
    switch (std::uniform_int_distribution<int>(0, 3)(rng_)) {
      case 0: return Behaviour::error;
      case 1: return Behaviour::hang;
      case 2: return Behaviour::throttle;
      default: return Behaviour::ok;
    }
  }

  // A delivery counts only when it is the sender's body, byte for byte, under the handler's
  // signature; a corrupt one is journalled as such (and still answered 200: it was "received").
  void check_and_record(const std::string& handler, const SinkRequest& r) {
    std::string problem;
    if (r.request_id.empty()) {
      problem = "no-request-id";
    } else if (bench_id_of(r.body) != r.request_id) {
      problem = "body-not-of-this-id";
    } else if (r.signature != security::signature_header(options_.secret, r.body)) {
      problem = "bad-signature";
    }
    std::lock_guard lock(mutex_);
    if (problem.empty()) {
      std::fprintf(journal_, "D %s %s\n", handler.c_str(), r.request_id.c_str());
    } else {
      ++corrupt_;
      std::fprintf(journal_, "C %s %s %s\n", handler.c_str(),
                   r.request_id.empty() ? "-" : r.request_id.c_str(), problem.c_str());
    }
  }

  const ChaosSinkOptions options_;
  const Clock::time_point start_;
  std::atomic<bool> calm_{false};
  std::mutex mutex_;  // guards everything below
  std::FILE* journal_;
  std::map<std::string, std::uint64_t> answered_;
  std::uint64_t corrupt_ = 0;
  std::mt19937 rng_{12345};
};

}  // namespace

int run_chaos_sink(const ChaosSinkOptions& o) {
  // Signals are taken here by sigwait: blocked before the server's threads start, so they
  // inherit the mask and none of them is interrupted.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Sink sink(o);
  {
    BenchHttpServer server(o.port, 2, [&sink](const SinkRequest& r) { return sink.answer(r); });
    std::printf("sink: listening on %u\n", static_cast<unsigned>(server.port()));
    std::fflush(stdout);
    for (;;) {
      int signo = 0;
      sigwait(&set, &signo);
      if (signo == SIGUSR1) {
        sink.calm();
        continue;
      }
      break;
    }
  }  // the server stops first: no answer is written after the summary
  sink.summary();
  return 0;
}

}  // namespace slwd::bench
