#pragma once
// The Lua scripts of the Redis store (DESIGN §3 "Redis notes"). Every state change that touches
// more than one key is one script, so it is atomic against the other replicas and a crash of
// ours between two steps cannot lose work. Key layout (P = store.redis.key_prefix):
//
//   P dedupe:id:<delivery id>     string, PX dedupe_ttl        (record)
//   P dedupe:body:<sha256 hex>    string, PX dedupe_ttl        (record, with dedupe_body)
//   P events                      stream: one entry per recorded event that has handlers;
//                                 fields delivery_id endpoint level event_type received_at body
//                                 handlers (comma-joined names); one consumer group per handler
//   P handlers                    set of every handler name an entry was ever recorded for
//   P retry:<handler>             zset member -> due time (ms, the daemon's clock)
//   P retry-leased:<handler>      zset member -> lease expiry (ms, Redis's clock)
//   P retry-data:<handler>        hash member -> cmsgpack {attempts, last_error, k1, v1, ...}
//   P dlq                         stream of dead letters: handler attempts last_error dead_at
//                                 stream_id + the event's fields (so replay can deliver it)
//   P dead-count                  hash handler -> dead letters in P dlq
//   P quarantine                  stream: delivery_id endpoint reason received_at body
//
// A retry "member" is the events stream id of the entry it came from: an (entry, handler) pair
// is in exactly one place at a time — the group's pending list, the retry zsets, or the dlq.
#include <string>
#include <string_view>

namespace slwd::store::redis {

struct Script {
  std::string_view name;
  std::string text;
  std::string sha;  // SHA-1 hex of text, what EVALSHA names it by
};

const Script& record_script();
const Script& claim_script();
const Script& complete_script();
const Script& reschedule_script();
const Script& dead_letter_script();
const Script& renew_script();
const Script& replay_script();
const Script& purge_script();
const Script& trim_script();
const Script& counts_script();

// Every script, for SCRIPT LOAD at start.
const Script* const* all_scripts(std::size_t& count);

}  // namespace slwd::store::redis
