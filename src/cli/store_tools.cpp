// dlq list|replay|purge and quarantine list: read the store named in the config directly, in
// tool mode, so they work beside a running daemon (SPEC §2).
#include <algorithm>
#include <iomanip>
#include <iostream>

#include "commands.hpp"
#include "slwd/config/config.hpp"
#include "slwd/ops/log.hpp"
#include "slwd/store/json.hpp"
#include "slwd/store/store.hpp"
#include "slwd/ops/time_format.hpp"

namespace slwd::cli {
namespace {

std::unique_ptr<store::Store> open_tool_store(const std::string& config_path) {
  auto config = load_or_report(config_path);
  if (!config) return nullptr;
  // An operator's command prints its answer on stdout; only problems belong on stderr.
  ops::LogSettings quiet;
  quiet.level = ops::Level::warn;
  quiet.json = false;
  ops::configure_logging(quiet);
  return store::open_store(config->store, store::OpenMode::tool);
}

store::Selection selection_of(const DlqOptions& o) {
  store::Selection s;
  s.all = o.all;
  s.ids = o.ids;
  s.handler = o.handler;
  return s;
}

}  // namespace

int dlq_list(const DlqOptions& options) {
  auto store = open_tool_store(options.config_path);
  if (!store) return 1;
  auto dead = store->list_dead(options.handler);
  if (options.json) {
    std::cout << store::dead_letters_json(dead) << "\n";
    return 0;
  }
  if (dead.empty()) {
    std::cout << "no dead letters\n";
    return 0;
  }
  // Column widths from the data: SQLite ids are small numbers, Redis ids are stream ids.
  std::size_t id_w = 4, handler_w = 9, event_w = 7;
  for (const auto& d : dead) {
    id_w = std::max(id_w, d.id.size() + 2);
    handler_w = std::max(handler_w, d.handler.size() + 2);
    event_w = std::max(event_w, d.event_type.size() + 2);
  }
  auto w = [](std::size_t n) { return std::setw(static_cast<int>(n)); };
  std::cout << std::left << w(id_w) << "ID" << w(handler_w) << "HANDLER" << w(event_w) << "EVENT"
            << std::setw(10) << "ATTEMPTS" << std::setw(26) << "DEAD AT" << "DELIVERY ID\n";
  for (const auto& d : dead) {
    std::cout << std::left << w(id_w) << d.id << w(handler_w) << d.handler << w(event_w)
              << d.event_type << std::setw(10) << d.attempts << std::setw(26)
              << ops::iso8601_ms(d.dead_at_ms) << d.delivery_id << "\n"
              << std::string(id_w, ' ') << "last error: " << d.last_error << "\n";
  }
  return 0;
}

int dlq_replay(const DlqOptions& options) {
  auto store = open_tool_store(options.config_path);
  if (!store) return 1;
  std::cout << "replayed " << store->replay(selection_of(options)) << "\n";
  return 0;
}

int dlq_purge(const DlqOptions& options) {
  auto store = open_tool_store(options.config_path);
  if (!store) return 1;
  std::cout << "purged " << store->purge(selection_of(options)) << "\n";
  return 0;
}

int quarantine_list(const std::string& config_path, bool json) {
  auto store = open_tool_store(config_path);
  if (!store) return 1;
  auto entries = store->list_quarantine();
  if (json) {
    std::cout << store::quarantine_json(entries) << "\n";
    return 0;
  }
  if (entries.empty()) {
    std::cout << "quarantine is empty\n";
    return 0;
  }
  for (const auto& e : entries) {
    std::cout << e.id << "  " << ops::iso8601_ms(e.item.received_at_ms) << "  " << e.item.endpoint
              << "  " << e.item.delivery_id << "  " << e.item.reason << "\n";
  }
  return 0;
}

}  // namespace slwd::cli
