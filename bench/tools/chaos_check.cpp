#include "chaos_check.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace slwd::bench {
namespace {

struct SenderView {
  std::unordered_map<std::string, std::string> sent;  // id -> event type
  std::unordered_set<std::string> acked;
  std::uint64_t refused = 0, abandoned = 0;
  std::vector<std::string> refused_examples;
};

struct SinkView {
  // handler -> id -> deliveries
  std::map<std::string, std::unordered_map<std::string, std::uint64_t>> delivered;
  std::uint64_t corrupt = 0;
  std::vector<std::string> corrupt_examples;
};

std::ifstream open(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  return in;
}

void read_sender(const std::string& path, SenderView& view) {
  auto in = open(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind, id, extra;
    words >> kind >> id >> extra;
    if (kind == "S") {
      view.sent[id] = extra;
    } else if (kind == "A") {
      view.acked.insert(id);
    } else if (kind == "R") {
      ++view.refused;
      if (view.refused_examples.size() < 5) view.refused_examples.push_back(id + " got " + extra);
    } else if (kind == "X") {
      ++view.abandoned;
    }
  }
}

SinkView read_sink(const std::string& path) {
  SinkView view;
  auto in = open(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind, handler, id, reason;
    words >> kind >> handler >> id >> reason;
    if (kind == "D") {
      ++view.delivered[handler][id];
    } else if (kind == "C") {
      ++view.corrupt;
      if (view.corrupt_examples.size() < 5) view.corrupt_examples.push_back(handler + " " + id + " " + reason);
    }
  }
  return view;
}

std::string faults_summary(const std::string& path) {
  if (path.empty()) return "none recorded";
  std::ifstream in(path);
  std::map<std::string, int> kinds;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    if (words >> kind) ++kinds[kind];
  }
  if (kinds.empty()) return "none";
  std::string out;
  for (const auto& [kind, n] : kinds) out += (out.empty() ? "" : ", ") + kind + " x" + std::to_string(n);
  return out;
}

bool matches(const std::vector<std::string>& types, const std::string& type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return text;
}

class Report {
 public:
  void row(const std::string& invariant, const std::string& figures, bool holds) {
    std::printf("  %-58s %-44s %s\n", invariant.c_str(), figures.c_str(), holds ? "ok" : "VIOLATED");
    if (!holds) ok_ = false;
  }
  void info(const std::string& what, const std::string& figures) {
    std::printf("  %-58s %-44s %s\n", what.c_str(), figures.c_str(), "reported");
  }
  void detail(const std::vector<std::string>& examples) {
    for (const auto& e : examples) std::printf("      e.g. %s\n", e.c_str());
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = true;
};

}  // namespace

int run_chaos_check(const ChaosCheckOptions& o) {
  SenderView sender;
  for (const auto& path : o.sender_journals) read_sender(path, sender);
  const SinkView sink = read_sink(o.sink_journal);

  std::printf("\n== chaos phase %s\n", o.label.c_str());
  std::printf("  faults: %s\n", faults_summary(o.faults_log).c_str());
  std::printf("  sender: %zu ids sent, %zu acknowledged (2xx), %llu given up after the last retry, %llu refused (4xx)\n",
              sender.sent.size(), sender.acked.size(), static_cast<unsigned long long>(sender.abandoned),
              static_cast<unsigned long long>(sender.refused));
  if (!o.extra.empty()) std::printf("  %s\n", o.extra.c_str());
  Report report;

  // 0. a run in which the daemons were mostly down, or nothing arrived, proves nothing: under
  // these faults most ids must be acknowledged, and deliveries must have happened.
  std::uint64_t deliveries = 0;
  for (const auto& [handler, ids] : sink.delivered) {
    for (const auto& [id, n] : ids) deliveries += n;
  }
  report.row("0 the run was served (acknowledged >= 90% of sent, deliveries > 0)",
             percent(sender.acked.size(), sender.sent.size()) + " acknowledged, " + std::to_string(deliveries) +
                 " deliveries",
             deliveries > 0 && sender.acked.size() * 10 >= sender.sent.size() * 9);

  // 1. every acknowledged id reached every matching handler
  std::string reached;
  std::vector<std::string> missing_examples;
  bool all_reached = true;
  for (const auto& [handler, types] : o.handlers) {
    std::uint64_t expected = 0, got = 0;
    const auto found = sink.delivered.find(handler);
    for (const auto& id : sender.acked) {
      auto type = sender.sent.find(id);
      if (type == sender.sent.end() || !matches(types, type->second)) continue;
      ++expected;
      if (found != sink.delivered.end() && found->second.count(id)) {
        ++got;
      } else if (missing_examples.size() < 5) {
        missing_examples.push_back(handler + " never got " + id);
      }
    }
    if (got != expected) all_reached = false;
    reached += (reached.empty() ? "" : ", ") + handler + " " + std::to_string(got) + "/" + std::to_string(expected);
  }
  report.row("1 every acknowledged id reached every matching handler", reached, all_reached);
  report.detail(missing_examples);

  // 2. nothing delivered that was never sent; 3. nothing delivered to a non-matching handler
  std::uint64_t unknown = 0, misrouted = 0, total = 0, unacked_delivered = 0;
  std::vector<std::string> unknown_examples;
  std::set<std::string> delivered_ids;
  for (const auto& [handler, ids] : sink.delivered) {
    const auto config = o.handlers.find(handler);
    for (const auto& [id, n] : ids) {
      total += n;
      delivered_ids.insert(id);
      auto type = sender.sent.find(id);
      if (type == sender.sent.end()) {
        ++unknown;
        if (unknown_examples.size() < 5) unknown_examples.push_back(handler + " got " + id);
        continue;
      }
      if (config == o.handlers.end() || !matches(config->second, type->second)) ++misrouted;
    }
  }
  for (const auto& id : delivered_ids) {
    if (sender.sent.count(id) && !sender.acked.count(id)) ++unacked_delivered;
  }
  report.row("2 nothing delivered that was never sent", std::to_string(unknown) + " unknown ids", unknown == 0);
  report.detail(unknown_examples);
  report.row("3 nothing reached a handler whose events do not match", std::to_string(misrouted) + " deliveries",
             misrouted == 0);
  // 4. bodies intact
  report.row("4 every delivered body is the one sent, correctly signed", std::to_string(sink.corrupt) + " corrupt",
             sink.corrupt == 0);
  report.detail(sink.corrupt_examples);
  // 5. no 4xx
  report.row("5 no authentic event refused with a 4xx", std::to_string(sender.refused) + " refused",
             sender.refused == 0);
  report.detail(sender.refused_examples);
  // 6, 7. after the drain
  report.row("6 dead letters once the faults stopped", o.dead < 0 ? "not measured" : std::to_string(o.dead),
             o.dead == 0);
  report.row("7 pending once the faults stopped (queue drained)",
             o.pending < 0 ? "not drained" : std::to_string(o.pending), o.pending == 0);

  // duplicates: deliveries beyond the first of each id, per handler
  std::string dups;
  for (const auto& [handler, ids] : sink.delivered) {
    std::uint64_t n = 0, extra = 0;
    for (const auto& [id, count] : ids) {
      n += count;
      extra += count - 1;
    }
    dups += (dups.empty() ? "" : ", ") + handler + " " + std::to_string(extra) + "/" + std::to_string(n) + " (" +
            percent(extra, n) + ")";
  }
  report.info("duplicates (extra deliveries / deliveries)", dups.empty() ? "no deliveries" : dups);
  report.info("sent but never acknowledged, delivered anyway", std::to_string(unacked_delivered) + " ids");
  std::printf("  RESULT %s: %s\n", o.label.c_str(), report.ok() ? "every invariant holds" : "INVARIANT VIOLATED");
  return report.ok() ? 0 : 1;
}

}  // namespace slwd::bench
