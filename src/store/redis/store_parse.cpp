// Key names, item ids and the shapes of the replies the store reads.
#include <charconv>

#include "store_impl.hpp"

namespace slwd::store::redis {

Keys::Keys(std::string p)
    : prefix(std::move(p)),
      events(prefix + "events"),
      handlers(prefix + "handlers"),
      dlq(prefix + "dlq"),
      dead_count(prefix + "dead-count"),
      quarantine(prefix + "quarantine") {}

std::string item_id(char kind, const std::string& handler, const std::string& member) {
  std::string id;
  id.reserve(3 + handler.size() + member.size());
  id += kind;
  id += ':';
  id += handler;
  id += ':';
  id += member;
  return id;
}

std::optional<ItemRef> parse_item_id(const std::string& id) {
  if (id.size() < 5 || (id[0] != 's' && id[0] != 'r') || id[1] != ':') return std::nullopt;
  const auto colon = id.find(':', 2);
  if (colon == std::string::npos || colon == 2) return std::nullopt;
  ItemRef ref{id[0], id.substr(2, colon - 2), id.substr(colon + 1)};
  if (!is_stream_id(ref.member)) return std::nullopt;
  return ref;
}

bool is_stream_id(std::string_view id) {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == id.size()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i != dash && (id[i] < '0' || id[i] > '9')) return false;
  }
  return id.size() <= 41;  // two 20-digit numbers and the dash
}

const std::string* field_of(const Reply& flat_pairs, std::string_view name, std::size_t from) {
  const auto& e = flat_pairs.elements;
  for (std::size_t i = from; i + 1 < e.size(); i += 2) {
    if (e[i].str == name) return &e[i + 1].str;
  }
  return nullptr;
}

std::int64_t to_int64(const Reply& reply) {
  if (reply.type == Reply::Type::integer) return reply.integer;
  std::int64_t value = 0;
  const auto& s = reply.str;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return 0;
  return value;
}

namespace {

std::int64_t to_int64(const std::string* text) {
  if (text == nullptr) return 0;
  Reply r;
  r.str = *text;
  return to_int64(r);
}

std::string text_of(const std::string* text) {
  return text ? *text : std::string();
}

// Moves the event's fields out of the pairs elements[from..] of `flat_pairs` into `item`, in one
// pass. Returns the `handlers` field (stream entries have one, retries do not), or nullptr.
const std::string* take_event_fields(Reply& flat_pairs, std::size_t from, WorkItem& item) {
  auto& e = flat_pairs.elements;
  const std::string* handlers = nullptr;
  for (std::size_t i = from; i + 1 < e.size(); i += 2) {
    const auto& name = e[i].str;
    auto& value = e[i + 1].str;
    if (name == "body") {
      item.body = std::move(value);
    } else if (name == "delivery_id") {
      item.delivery_id = std::move(value);
    } else if (name == "endpoint") {
      item.endpoint = std::move(value);
    } else if (name == "level") {
      item.level = std::move(value);
    } else if (name == "event_type") {
      item.event_type = std::move(value);
    } else if (name == "received_at") {
      item.received_at_ms = to_int64(e[i + 1]);
    } else if (name == "handlers") {
      handlers = &value;
    }
  }
  return handlers;
}

}  // namespace

bool routed_to(std::string_view handlers_field, std::string_view handler) {
  if (handler.empty()) return false;
  std::size_t at = 0;
  while (at <= handlers_field.size()) {
    auto comma = handlers_field.find(',', at);
    if (comma == std::string_view::npos) comma = handlers_field.size();
    if (handlers_field.substr(at, comma - at) == handler) return true;
    at = comma + 1;
  }
  return false;
}

std::optional<WorkItem> parse_work_item(Reply& item, const std::string& handler) {
  const auto& e = item.elements;
  if (item.type != Reply::Type::array || e.size() < 3) return std::nullopt;
  if (e[0].str != "s" && e[0].str != "r") return std::nullopt;
  WorkItem out;
  out.id = item_id(e[0].str[0], handler, e[1].str);
  out.handler = handler;
  out.attempts = static_cast<int>(to_int64(e[2]));
  take_event_fields(item, 3, out);
  return out;
}

std::optional<WorkItem> parse_stream_entry(Reply& entry, const std::string& handler) {
  auto& e = entry.elements;
  if (entry.type != Reply::Type::array || e.size() != 2 || !is_stream_id(e[0].str) ||
      e[1].type != Reply::Type::array) {
    return std::nullopt;
  }
  WorkItem out;
  const auto* handlers = take_event_fields(e[1], 0, out);
  if (handlers == nullptr || !routed_to(*handlers, handler)) return std::nullopt;
  out.id = item_id('s', handler, e[0].str);
  out.handler = handler;
  return out;
}

// [id, [k1, v1, ...]] from XRANGE of the dlq.
std::optional<DeadLetter> parse_dead_letter(const Reply& entry) {
  if (entry.elements.size() != 2 || entry.elements[1].type != Reply::Type::array) {
    return std::nullopt;
  }
  const auto& fields = entry.elements[1];
  DeadLetter out;
  out.id = entry.elements[0].str;
  out.delivery_id = text_of(field_of(fields, "delivery_id"));
  out.handler = text_of(field_of(fields, "handler"));
  out.event_type = text_of(field_of(fields, "event_type"));
  out.attempts = static_cast<int>(to_int64(field_of(fields, "attempts")));
  out.last_error = text_of(field_of(fields, "last_error"));
  out.dead_at_ms = to_int64(field_of(fields, "dead_at"));
  return out;
}

std::optional<QuarantineEntry> parse_quarantine(const Reply& entry) {
  if (entry.elements.size() != 2 || entry.elements[1].type != Reply::Type::array) {
    return std::nullopt;
  }
  const auto& fields = entry.elements[1];
  QuarantineEntry out;
  out.id = entry.elements[0].str;
  out.item.delivery_id = text_of(field_of(fields, "delivery_id"));
  out.item.endpoint = text_of(field_of(fields, "endpoint"));
  out.item.reason = text_of(field_of(fields, "reason"));
  out.item.received_at_ms = to_int64(field_of(fields, "received_at"));
  out.item.body = text_of(field_of(fields, "body"));
  return out;
}

std::string describe(const RedisUrl& url) {
  if (!url.unix_path.empty()) return "unix:" + url.unix_path;
  return url.host + ":" + std::to_string(url.port);
}

}  // namespace slwd::store::redis
