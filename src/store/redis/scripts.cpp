#include "scripts.hpp"

#include <openssl/evp.h>

#include <array>

namespace slwd::store::redis {
namespace {

// Helpers shared by the scripts that need them (a script cannot call another's functions).
constexpr std::string_view kCommon = R"lua(
local function field(f, name)
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
  return nil
end
local function routed_to(f, handler)
  local list = field(f, 'handlers')
  return list ~= nil and string.find(',' .. list .. ',', ',' .. handler .. ',', 1, true) ~= nil
end
-- Leases are measured on Redis's clock, like stream idle times: replicas' clocks may differ.
local function redis_now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Whether `id` is in `consumer`'s pending list of `group` (false when the group is gone).
local function pending_to(stream, group, id, consumer)
  local p = redis.pcall('XPENDING', stream, group, id, id, 1, consumer)
  return type(p) == 'table' and p.err == nil and #p == 1
end
)lua";

// Records a batch of deliveries, each one exactly as if it were recorded alone (a script is
// atomic, so a batch is too), in order: a delivery id repeated within the batch is a duplicate
// the second time. One call per batch spares Redis the per-call cost of EVALSHA (argument
// conversion, the MULTI/EXEC wrapper it propagates to the AOF), which dwarfs the commands
// themselves for a single record.
// KEYS: 1 events, 2 handlers set, then per delivery its id key and, when it has one, its body key
// ARGV: 1 ttl ms, 2 number of deliveries, then per delivery: has body key ('1'/'0'), delivery_id,
//       endpoint, level, event_type, received_at, body, handlers (comma-joined), handler count h,
//       then the h handler names
// Returns one integer per delivery: 1 recorded, 0 duplicate.
constexpr std::string_view kRecord = R"lua(
local ttl = ARGV[1]
local out = {}
local added = {}  -- handler lists already added to the handlers set by this call
local a, k = 3, 3
for r = 1, tonumber(ARGV[2]) do
  local id_key, body_key = KEYS[k], nil
  k = k + 1
  if ARGV[a] == '1' then
    body_key = KEYS[k]
    k = k + 1
  end
  local h = tonumber(ARGV[a + 8])
  if redis.call('EXISTS', id_key) == 1 or (body_key and redis.call('EXISTS', body_key) == 1) then
    out[r] = 0
  else
    -- The entry goes in before the keys: if anything after it fails, the 503 makes SmartLead send
    -- it again and it is recorded twice (a duplicate delivery), never a key without its event (a
    -- loss).
    if h > 0 then
      redis.call('XADD', KEYS[1], '*', 'delivery_id', ARGV[a + 1], 'endpoint', ARGV[a + 2],
                 'level', ARGV[a + 3], 'event_type', ARGV[a + 4], 'received_at', ARGV[a + 5],
                 'body', ARGV[a + 6], 'handlers', ARGV[a + 7])
      -- A handler new to this keyspace (its first event, or the first after a FLUSHALL) gets its
      -- group now, reading from the start: no entry exists that no group is responsible for, so
      -- trimming can never remove work a handler's lanes have not seen yet.
      if not added[ARGV[a + 7]] then
        added[ARGV[a + 7]] = true
        if redis.call('SADD', KEYS[2], unpack(ARGV, a + 9, a + 8 + h)) > 0 then
          for i = a + 9, a + 8 + h do redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[i], '0') end
        end
      end
    end
    redis.call('SET', id_key, '1', 'PX', ttl)
    if body_key then redis.call('SET', body_key, '1', 'PX', ttl) end
    out[r] = 1
  end
  a = a + 9 + h
end
return out
)lua";

// The first two steps of a claim (SPEC 9): due retries and takeover. The third, new entries, is
// a plain XREADGROUP the store sends itself when the script leaves room (store_claim.cpp): read
// here, every entry (a body of kilobytes) would be converted into Lua tables and back into RESP,
// which cost Redis several times the XREADGROUP itself.
// KEYS: 1 events, 2 retry, 3 retry-leased, 4 retry-data, 5 handlers set
// ARGV: 1 handler (= group), 2 consumer, 3 now ms (daemon clock), 4 max, 5 lease ms,
//       6 XAUTOCLAIM cursor ('0-0' = from the start)
// Returns {next cursor, items, n left}; an item is {kind, member, attempts, k1, v1, ...}, kind
// 'r' (retry) or 's' (stream entry); n left = how many of max are still to be filled.
constexpr std::string_view kClaim = R"lua(
local handler, consumer = ARGV[1], ARGV[2]
local n = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
local rnow = redis_now_ms()
local lease_until = rnow + lease
local cursor = ARGV[6]
local out = {}

local function take_retries(key, bound)
  if n <= 0 then return end
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', bound, 'LIMIT', 0, n)) do
    redis.call('ZREM', key, m)
    local packed = redis.call('HGET', KEYS[4], m)
    if packed then
      redis.call('ZADD', KEYS[3], lease_until, m)
      local data = cmsgpack.unpack(packed)
      local item = {'r', m, tostring(data[1])}
      for i = 3, #data do item[#item + 1] = data[i] end
      out[#out + 1] = item
      n = n - 1
    end
  end
end

local function take_entries(entries)
  local foreign = {}
  for _, e in ipairs(entries) do
    local f = e[2]
    if type(f) == 'table' and routed_to(f, handler) then
      local item = {'s', e[1], '0'}
      for i = 1, #f do item[#item + 1] = f[i] end
      out[#out + 1] = item
      n = n - 1
    else
      foreign[#foreign + 1] = e[1]
    end
  end
  -- Not routed to this handler (or deleted): nothing for this group to do. (An entry read by
  -- the store's XREADGROUP is pending here only if the store died before acknowledging it.)
  if #foreign > 0 then redis.call('XACK', KEYS[1], handler, unpack(foreign)) end
end

-- (a) retries that are due, then retries whose lease ran out (their replica died mid-attempt)
take_retries(KEYS[2], ARGV[3])
take_retries(KEYS[3], rnow)
-- (b) entries another consumer read and has not renewed for a whole lease (SPEC 9 takeover).
-- XAUTOCLAIM looks at a bounded slice of the pending list per call: the cursor carries the scan
-- on from call to call, so idle entries behind many live ones are reached too.
if n > 0 then
  local r = redis.pcall('XAUTOCLAIM', KEYS[1], handler, consumer, lease, cursor, 'COUNT', n)
  if r.err then
    -- The group (or the stream) is gone: FLUSHALL, or a restart without data. Start over.
    if not string.find(r.err, 'NOGROUP', 1, true) then return r end
    redis.call('XGROUP', 'CREATE', KEYS[1], handler, '0', 'MKSTREAM')
    redis.call('SADD', KEYS[5], handler)
    cursor = '0-0'
  else
    cursor = r[1]
    take_entries(r[2])
  end
end
return {cursor, out, n}
)lua";

// KEYS: 1 events, 2 retry-leased, 3 retry-data
// ARGV: 1 handler, 2 number of stream ids, then the stream ids, then retry members
constexpr std::string_view kComplete = R"lua(
local ns = tonumber(ARGV[2])
local ids, members = {}, {}
for i = 3, 2 + ns do ids[#ids + 1] = ARGV[i] end
for i = 3 + ns, #ARGV do members[#members + 1] = ARGV[i] end
if #ids > 0 then redis.pcall('XACK', KEYS[1], ARGV[1], unpack(ids)) end
if #members > 0 then
  redis.call('HDEL', KEYS[3], unpack(members))
  redis.call('ZREM', KEYS[2], unpack(members))
end
return #ids + #members
)lua";

// KEYS: 1 events, 2 retry, 3 retry-leased, 4 retry-data
// ARGV: 1 handler, 2 consumer, 3 kind, 4 member, 5 due ms, 6 error
// The retry copy holds the whole event: the stream entry is acknowledged here and may be
// trimmed long before the retry is due.
constexpr std::string_view kReschedule = R"lua(
local handler, member = ARGV[1], ARGV[4]
local data
if ARGV[3] == 's' then
  -- Only while it is still ours: a replica that took it over owns its outcome now.
  if not pending_to(KEYS[1], handler, member, ARGV[2]) then return 0 end
  local e = redis.call('XRANGE', KEYS[1], member, member)
  if #e == 0 then
    redis.call('XACK', KEYS[1], handler, member)
    return 0
  end
  data = {1, ARGV[6]}
  local f = e[1][2]
  for i = 1, #f, 2 do
    if f[i] ~= 'handlers' then
      data[#data + 1] = f[i]
      data[#data + 1] = f[i + 1]
    end
  end
else
  if not redis.call('ZSCORE', KEYS[3], member) then return 0 end
  local packed = redis.call('HGET', KEYS[4], member)
  redis.call('ZREM', KEYS[3], member)
  if not packed then return 0 end
  data = cmsgpack.unpack(packed)
  data[1] = data[1] + 1
  data[2] = ARGV[6]
end
redis.call('HSET', KEYS[4], member, cmsgpack.pack(data))
redis.call('ZADD', KEYS[2], ARGV[5], member)
if ARGV[3] == 's' then redis.call('XACK', KEYS[1], handler, member) end
return 1
)lua";

// KEYS: 1 events, 2 retry-leased, 3 retry-data, 4 dlq, 5 dead-count
// ARGV: 1 handler, 2 consumer, 3 kind, 4 member, 5 error, 6 now ms
// Returns the dead letter's id, or 0 when the item was no longer ours to resolve.
constexpr std::string_view kDeadLetter = R"lua(
local handler, member = ARGV[1], ARGV[4]
local attempts, f
if ARGV[3] == 's' then
  if not pending_to(KEYS[1], handler, member, ARGV[2]) then return 0 end
  local e = redis.call('XRANGE', KEYS[1], member, member)
  if #e == 0 then
    redis.call('XACK', KEYS[1], handler, member)
    return 0
  end
  attempts = 1
  f = e[1][2]
else
  if not redis.call('ZSCORE', KEYS[2], member) then return 0 end
  local packed = redis.call('HGET', KEYS[3], member)
  if not packed then
    redis.call('ZREM', KEYS[2], member)
    return 0
  end
  local data = cmsgpack.unpack(packed)
  attempts = data[1] + 1
  f = {}
  for i = 3, #data do f[#f + 1] = data[i] end
end
local add = {'XADD', KEYS[4], '*', 'handler', handler, 'attempts', attempts, 'last_error', ARGV[5],
             'dead_at', ARGV[6], 'stream_id', member}
for i = 1, #f, 2 do
  if f[i] ~= 'handlers' then
    add[#add + 1] = f[i]
    add[#add + 1] = f[i + 1]
  end
end
local id = redis.call(unpack(add))
redis.call('HINCRBY', KEYS[5], handler, 1)
if ARGV[3] == 's' then
  redis.call('XACK', KEYS[1], handler, member)
else
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
end
return id
)lua";

// KEYS: 1 events, 2 retry-leased
// ARGV: 1 handler, 2 consumer, 3 lease ms, 4 number of stream ids, then stream ids, then members
// Returns how many leases were renewed.
constexpr std::string_view kRenew = R"lua(
local handler, consumer = ARGV[1], ARGV[2]
local ns = tonumber(ARGV[4])
local claim = {'XCLAIM', KEYS[1], handler, consumer, 0}
for i = 5, 4 + ns do
  -- Only what is still ours: XCLAIM would otherwise take back an entry another replica took over.
  if pending_to(KEYS[1], handler, ARGV[i], consumer) then claim[#claim + 1] = ARGV[i] end
end
local renewed = #claim - 5
if renewed > 0 then
  claim[#claim + 1] = 'JUSTID'  -- resets the idle time without counting a delivery
  redis.call(unpack(claim))
end
local lease_until = redis_now_ms() + tonumber(ARGV[3])
for i = 5 + ns, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[2], 'XX', 'CH', lease_until, ARGV[i])
end
return renewed
)lua";

// KEYS: 1 dlq, 2 dead-count
// ARGV: 1 key prefix, 2 now ms, 3 handler restriction ('' = any), 4.. dead letter ids
// Moves each into its handler's retry set, due now, attempts reset. Returns how many.
constexpr std::string_view kReplay = R"lua(
local n = 0
for i = 4, #ARGV do
  -- A malformed id would abort the script half-way (scripts do not roll back): skip it.
  local e = string.match(ARGV[i], '^%d+%-%d+$') and redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) or {}
  if #e == 1 then
    local f = e[1][2]
    local handler, member = field(f, 'handler'), field(f, 'stream_id')
    if handler and member and (ARGV[3] == '' or ARGV[3] == handler) then
      -- last_error is kept: it is the only trace of why the entry died before.
      local data = {0, field(f, 'last_error') or ''}
      for j = 1, #f, 2 do
        local k = f[j]
        if k ~= 'handler' and k ~= 'attempts' and k ~= 'last_error' and k ~= 'dead_at' and
           k ~= 'stream_id' then
          data[#data + 1] = k
          data[#data + 1] = f[j + 1]
        end
      end
      redis.call('HSET', ARGV[1] .. 'retry-data:' .. handler, member, cmsgpack.pack(data))
      redis.call('ZREM', ARGV[1] .. 'retry-leased:' .. handler, member)
      redis.call('ZADD', ARGV[1] .. 'retry:' .. handler, ARGV[2], member)
      redis.call('XDEL', KEYS[1], ARGV[i])
      redis.call('HINCRBY', KEYS[2], handler, -1)
      n = n + 1
    end
  end
end
return n
)lua";

// KEYS: 1 dlq, 2 dead-count
// ARGV: 1 handler restriction ('' = any), 2.. dead letter ids. Returns how many were deleted.
constexpr std::string_view kPurge = R"lua(
local n = 0
for i = 2, #ARGV do
  local e = string.match(ARGV[i], '^%d+%-%d+$') and redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i]) or {}
  if #e == 1 then
    local handler = field(e[1][2], 'handler')
    if handler and (ARGV[1] == '' or ARGV[1] == handler) then
      redis.call('XDEL', KEYS[1], ARGV[i])
      redis.call('HINCRBY', KEYS[2], handler, -1)
      n = n + 1
    end
  end
end
return n
)lua";

// KEYS: 1 events, 2 handlers set
// ARGV: 1 idle ms after which a consumer with nothing pending is forgotten
// Trims the stream behind the oldest entry any group still needs: its oldest pending entry, or
// when none is pending its last-delivered id (everything after it is unread). Returns how many
// entries were removed.
constexpr std::string_view kTrim = R"lua(
local function id_less(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, bm = tonumber(am), tonumber(bm)
  if am ~= bm then return am < bm end
  return tonumber(as) < tonumber(bs)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local have, floor = {}, nil
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local info = {}
  for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
  local name = info['name']
  have[name] = true
  local oldest = info['last-delivered-id']
  if info['pending'] > 0 then oldest = redis.call('XPENDING', KEYS[1], name)[2] end
  if floor == nil or id_less(oldest, floor) then floor = oldest end
  -- Every process start adds a consumer name; forget the long-gone ones that hold nothing.
  for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], name)) do
    local ci = {}
    for i = 1, #c, 2 do ci[c[i]] = c[i + 1] end
    if ci['pending'] == 0 and ci['idle'] > tonumber(ARGV[1]) then
      redis.call('XGROUP', 'DELCONSUMER', KEYS[1], name, ci['name'])
    end
  end
end
-- A handler with recorded entries but no group (destroyed by hand): give it one from the start,
-- and trim nothing until it exists.
local missing = false
for _, h in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not have[h] then
    redis.call('XGROUP', 'CREATE', KEYS[1], h, '0')
    missing = true
  end
end
if missing or floor == nil then return 0 end
-- '~' only drops whole stream nodes below the floor: it may keep more, never less.
return redis.call('XTRIM', KEYS[1], 'MINID', '~', floor)
)lua";

// KEYS: 1 events, 2 dead-count, 3 handlers set
// ARGV: 1 key prefix
// Returns name, pending, dead triples. pending = the group's pending entries + its lag (entries
// not read yet, including those routed to other handlers: an upper bound) + its retries.
constexpr std::string_view kCounts = R"lua(
local names, slots = {}, {}
local function slot(name)
  if not slots[name] then
    slots[name] = {0, 0}
    names[#names + 1] = name
  end
  return slots[name]
end
local function fields(flat)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
-- Stream ids 'ms-seq' compared as number pairs (ms < 2^53: exact in a Lua number).
local function id_at_or_after(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  return am > bm or (am == bm and as >= bs)
end
for _, h in ipairs(redis.call('SMEMBERS', KEYS[3])) do slot(h) end
if redis.call('EXISTS', KEYS[1]) == 1 then
  local stream = fields(redis.call('XINFO', 'STREAM', KEYS[1]))
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
    local info = fields(g)
    -- Unread entries. A group that has read up to the stream's last id has none, whatever
    -- 'lag' says: Redis 7.0 loses a group's entries-read across an AOF reload and re-estimates
    -- lag, sometimes wrongly and for good (redis/redis#12898), which left the pending gauge
    -- stuck above zero after kill -9 of Redis (found by bench/chaos.sh).
    local lag = 0
    if not id_at_or_after(info['last-delivered-id'], stream['last-generated-id']) then
      lag = info['lag']
      if type(lag) ~= 'number' then lag = 0 end  -- unknown (before Redis 7, or after XDEL)
      lag = math.min(lag, stream['length'])
    end
    local s = slot(info['name'])
    s[1] = s[1] + info['pending'] + lag
  end
end
local dead = redis.call('HGETALL', KEYS[2])
for i = 1, #dead, 2 do slot(dead[i])[2] = math.max(0, tonumber(dead[i + 1])) end
local out = {}
for _, name in ipairs(names) do
  local s = slots[name]
  s[1] = s[1] + redis.call('ZCARD', ARGV[1] .. 'retry:' .. name) +
         redis.call('ZCARD', ARGV[1] .. 'retry-leased:' .. name)
  out[#out + 1] = name
  out[#out + 1] = s[1]
  out[#out + 1] = s[2]
end
return out
)lua";

std::string sha1_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

Script make(std::string_view name, std::string_view body, bool common) {
  Script script{name, {}, {}};
  if (common) script.text = std::string(kCommon);
  script.text += body;
  script.sha = sha1_hex(script.text);
  return script;
}

}  // namespace

// Function-local statics: built once, on first use, thread-safely.
const Script& record_script() {
  static const Script s = make("record", kRecord, false);
  return s;
}
const Script& claim_script() {
  static const Script s = make("claim", kClaim, true);
  return s;
}
const Script& complete_script() {
  static const Script s = make("complete", kComplete, false);
  return s;
}
const Script& reschedule_script() {
  static const Script s = make("reschedule", kReschedule, true);
  return s;
}
const Script& dead_letter_script() {
  static const Script s = make("dead_letter", kDeadLetter, true);
  return s;
}
const Script& renew_script() {
  static const Script s = make("renew", kRenew, true);
  return s;
}
const Script& replay_script() {
  static const Script s = make("replay", kReplay, true);
  return s;
}
const Script& purge_script() {
  static const Script s = make("purge", kPurge, true);
  return s;
}
const Script& trim_script() {
  static const Script s = make("trim", kTrim, false);
  return s;
}
const Script& counts_script() {
  static const Script s = make("counts", kCounts, false);
  return s;
}

const Script* const* all_scripts(std::size_t& count) {
  static const std::array<const Script*, 10> scripts{
      &record_script(),      &claim_script(), &complete_script(), &reschedule_script(),
      &dead_letter_script(), &renew_script(), &replay_script(),   &purge_script(),
      &trim_script(),        &counts_script()};
  count = scripts.size();
  return scripts.data();
}

}  // namespace slwd::store::redis
