#include "slwd/store/sqlite_reader.hpp"

#include <algorithm>

#include "slwd/store/sqlite_schema.hpp"

namespace slwd::store {
namespace {

bool configure(SqliteConnection& db, int busy_timeout_ms) {
  configure_read_connection(db, busy_timeout_ms);
  return true;
}

}  // namespace

SqliteReader::SqliteReader(const std::string& path, int busy_timeout_ms)
    : db_(path),
      configured_(configure(db_, busy_timeout_ms)),
      dead_select_(db_,
                   "SELECT o.id, e.delivery_id, o.handler, e.event_type, o.attempts, "
                   "o.last_error, o.dead_at FROM outbox o JOIN events e ON e.id = o.event_id "
                   "WHERE o.state = 'dead' AND (?1 IS NULL OR o.handler = ?1) "
                   "ORDER BY o.dead_at, o.id"),
      quarantine_select_(db_,
                         "SELECT id, delivery_id, endpoint, reason, received_at, body "
                         "FROM quarantine ORDER BY id"),
      counts_select_(db_, "SELECT handler, state, COUNT(*) FROM outbox GROUP BY handler, state"),
      // Split in two so both halves walk an index instead of every pending row: unleased rows
      // in due order (skipping the few in flight), and leased rows by lease end.
      next_unleased_(db_,
                     "SELECT due_at FROM outbox WHERE handler = ?1 AND state = 'pending' "
                     "AND lease_until <= ?2 ORDER BY due_at LIMIT 1"),
      next_lease_end_(db_,
                      "SELECT MIN(MAX(due_at, lease_until)) FROM outbox WHERE handler = ?1 "
                      "AND lease_until > 0 AND lease_until > ?2 AND state = 'pending'") {}

std::vector<DeadLetter> SqliteReader::list_dead(const std::optional<std::string>& handler) {
  std::lock_guard lock(mutex_);
  StatementScope s(dead_select_);
  if (handler) {
    s->bind_text(1, *handler);
  } else {
    s->bind_null(1);
  }
  std::vector<DeadLetter> out;
  while (s->step()) {
    DeadLetter dead;
    dead.id = std::to_string(s->column_int(0));
    dead.delivery_id = s->column_text(1);
    dead.handler = s->column_text(2);
    dead.event_type = s->column_text(3);
    dead.attempts = static_cast<int>(s->column_int(4));
    dead.last_error = s->column_text(5);
    dead.dead_at_ms = s->column_int(6);
    out.push_back(std::move(dead));
  }
  return out;
}

std::vector<QuarantineEntry> SqliteReader::list_quarantine() {
  std::lock_guard lock(mutex_);
  StatementScope s(quarantine_select_);
  std::vector<QuarantineEntry> out;
  while (s->step()) {
    QuarantineEntry entry;
    entry.id = std::to_string(s->column_int(0));
    entry.item.delivery_id = s->column_text(1);
    entry.item.endpoint = s->column_text(2);
    entry.item.reason = s->column_text(3);
    entry.item.received_at_ms = s->column_int(4);
    entry.item.body = s->column_blob(5);
    out.push_back(std::move(entry));
  }
  return out;
}

std::map<std::string, HandlerCounts> SqliteReader::counts() {
  std::lock_guard lock(mutex_);
  StatementScope s(counts_select_);
  std::map<std::string, HandlerCounts> out;
  while (s->step()) {
    auto& counts = out[s->column_text(0)];
    const auto state = s->column_text(1);
    if (state == "dead") {
      counts.dead = s->column_int(2);
    } else {
      counts.pending = s->column_int(2);
    }
  }
  return out;
}

std::optional<std::int64_t> SqliteReader::next_due_ms(const std::string& handler,
                                                      std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  std::optional<std::int64_t> next;
  {
    StatementScope s(next_unleased_);
    s->bind_text(1, handler);
    s->bind_int(2, now_ms);
    if (s->step()) next = s->column_int(0);
  }
  {
    StatementScope s(next_lease_end_);
    s->bind_text(1, handler);
    s->bind_int(2, now_ms);
    if (s->step() && !s->column_is_null(0)) {
      const auto lease_end = s->column_int(0);
      next = next ? std::min(*next, lease_end) : lease_end;
    }
  }
  return next;
}

}  // namespace slwd::store
