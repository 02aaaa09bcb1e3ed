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

}  // namespace

// {kind, member, attempts, k1, v1, ...} from the claim script.
std::optional<WorkItem> parse_work_item(const Reply& item, const std::string& handler) {
  const auto& e = item.elements;
  if (item.type != Reply::Type::array || e.size() < 3) return std::nullopt;
  if (e[0].str != "s" && e[0].str != "r") return std::nullopt;
  WorkItem out;
  out.id = item_id(e[0].str[0], handler, e[1].str);
  out.handler = handler;
  out.attempts = static_cast<int>(to_int64(e[2]));
  out.delivery_id = text_of(field_of(item, "delivery_id", 3));
  out.endpoint = text_of(field_of(item, "endpoint", 3));
  out.level = text_of(field_of(item, "level", 3));
  out.event_type = text_of(field_of(item, "event_type", 3));
  out.received_at_ms = to_int64(field_of(item, "received_at", 3));
  out.body = text_of(field_of(item, "body", 3));
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
