#!/usr/bin/env bash
# Soak run (issue #8): steady signed traffic to one daemon for the given time, sampling once a
# minute what grows when something leaks.
#   bench/soak.sh [minutes] [--store sqlite|redis]      default 5 minutes, sqlite
#   RATE=2000 DEDUPE_TTL=1m OUT=/tmp/x BUILD_DIR=build-chaos bench/soak.sh 30 --store redis
#   SLWD_BIN=build-asan/smartlead-webhookd bench/soak.sh       another build of the daemon
#
# Each sample (every INTERVAL s, default 60): acknowledged and failed requests, latency p50/p99/max
# of that minute (measured from when each request was due: the sender is open loop), deliveries
# that reached the sink, the daemon's RSS (/proc/PID/status VmRSS) and open fds (/proc/PID/fd),
# the store's size (SQLite: db + WAL bytes; Redis: used_memory and the events stream length) and
# its dedupe records (SQLite: rows, and rows expired for longer than a prune interval; Redis: keys).
# Decisions:
# - Load: `soak_tool run` (bench/tools/soak_*.cpp) posts RATE events/s (unique ids and bodies)
#   over CONNECTIONS keep-alive connections; the daemon delivers them through an `http` handler
#   to a sink in the same tool (200 at once), so ingest, the queue and delivery all run.
# - dedupe_ttl is short (DEDUPE_TTL, default 1m) so pruning happens many times in the run.
#   SQLite prunes expired keys every 10 s in chunks: a row expired for longer than 10 s + 5 s of
#   slack is one pruning missed. Redis expires keys itself (PX): every dedupe key must carry a
#   TTL, and their number must stay within what DEDUPE_TTL of traffic makes (+25%).
# - Fails (exit 1) when: any request got no 2xx; after WARMUP samples (default 2) RSS grows at
#   every sample and by more than max(4 MiB, 5%) in total, or open fds grow at every sample and
#   by more than 8; dedupe records are not pruned as above; the queue does not drain to 0 within
#   60 s after the load stops.
# - Redis: a private redis-server on a free port and a temp dir (AOF everysec), never a system one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=5
STORE=sqlite
while [ $# -gt 0 ]; do
  case "$1" in
    --store) STORE=${2:?--store needs sqlite or redis}; shift 2 ;;
    [0-9]*) MINUTES=$1; shift ;;
    *) echo "usage: bench/soak.sh [minutes] [--store sqlite|redis]" >&2; exit 2 ;;
  esac
done
case "$STORE" in sqlite|redis) ;; *) echo "--store: sqlite or redis" >&2; exit 2 ;; esac
W=${OUT:-/tmp/slwd-soak}
BUILD=${BUILD_DIR:-$ROOT/build-release}
RATE=${RATE:-2000}
CONNECTIONS=${CONNECTIONS:-16}
INTERVAL=${INTERVAL:-60}
WARMUP=${WARMUP:-2}
DEDUPE_TTL=${DEDUPE_TTL:-1m}
SECRET=soak-secret
PRUNE_GRACE_MS=15000   # the SQLite store's 10 s prune interval + 5 s of slack

# shellcheck source=bench/tools/reliability_lib.sh
source "$ROOT/bench/tools/reliability_lib.sh"
targets=(soak_tool chaos_tool); [ -z "${SLWD_BIN:-}" ] && targets+=(smartlead-webhookd)
rel_build "$BUILD" "${targets[@]}"
BIN=${SLWD_BIN:-$BUILD/smartlead-webhookd}   # SLWD_BIN: another build of the daemon (e.g. ASan)
TOOL=$BUILD/soak_tool

ttl_seconds() {  # 90s, 1m, 2h -> seconds
  local v=$1
  case "$v" in
    *ms) echo $(( ${v%ms} / 1000 )) ;; *s) echo "${v%s}" ;; *m) echo $(( ${v%m} * 60 )) ;;
    *h) echo $(( ${v%h} * 3600 )) ;; *d) echo $(( ${v%d} * 86400 )) ;; *) echo "$v" ;;
  esac
}
TTL_S=$(ttl_seconds "$DEDUPE_TTL")

rm -rf "$W"; mkdir -p "$W"
read -r PORT ADMIN SINK REDIS <<<"$("$BUILD/chaos_tool" free-ports 4 | paste -sd ' ')"
DAEMON=""; REDIS_PID=""; LOAD=""
cleanup() {
  local p
  for p in "$LOAD" "$DAEMON" "$REDIS_PID"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

cat >"$W/soak.yaml" <<YAML
server: { listen: "127.0.0.1:$PORT" }
admin: { listen: "127.0.0.1:$ADMIN" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["$SECRET"]
store:
  type: $STORE
  sqlite: { path: $W/store.db, synchronous: normal }
  redis: { url: "redis://127.0.0.1:$REDIS/0", key_prefix: "soak:", require_safe_config: true }
  dedupe_ttl: $DEDUPE_TTL
delivery: { workers: 4 }
handlers:
  - { name: sink, type: http, url: "http://127.0.0.1:$SINK/in" }
logging: { level: warn }
YAML

if [ "$STORE" = redis ]; then rel_redis_start "$REDIS" "$W/redis" "$W/redis.log"; REDIS_PID=$REL_REDIS_PID; fi
"$BIN" serve --config "$W/soak.yaml" >"$W/daemon.log" 2>&1 &
DAEMON=$!
rel_wait_ready "$ADMIN" "$DAEMON" "$W/daemon.log"

SECONDS_TOTAL=$(( MINUTES * 60 ))
SAMPLES=$(( (SECONDS_TOTAL + INTERVAL - 1) / INTERVAL ))
"$TOOL" run --url "http://127.0.0.1:$PORT/webhooks/smartlead" --secret "$SECRET" --report "$W/load.txt" \
  --sink-port "$SINK" --connections "$CONNECTIONS" --rate "$RATE" --seconds "$SECONDS_TOTAL" \
  --interval-ms $(( INTERVAL * 1000 )) >"$W/load.out" 2>&1 &
LOAD=$!

field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
file_size() { if [ -e "$1" ]; then stat -c %s "$1"; else echo 0; fi; }

dedupe_sample() {  # prints "<records> <stale or -> <ttl problems>"
  if [ "$STORE" = sqlite ]; then
    local out; out=$("$TOOL" dedupe --db "$W/store.db" --grace-ms "$PRUNE_GRACE_MS")
    echo "$(field total "$out") $(field stale "$out") 0"
  else
    redis-cli -p "$REDIS" --scan --pattern 'soak:dedupe:*' --count 1000 >"$W/dedupe-keys.txt"
    # every dedupe key must expire: PTTL -1 would be a key kept forever
    local no_ttl
    no_ttl=$(awk 'NR % 97 == 1 { print "PTTL " $0 }' "$W/dedupe-keys.txt" | redis-cli -p "$REDIS" |
             awk '$1 == -1 { n++ } END { print n + 0 }')
    echo "$(wc -l <"$W/dedupe-keys.txt") - $no_ttl"
  fi
}

store_sample() {
  if [ "$STORE" = sqlite ]; then
    echo "$(mib $(( $(file_size "$W/store.db") + $(file_size "$W/store.db-wal") ))) MiB"
  else
    local used xlen
    used=$(redis-cli -p "$REDIS" info memory | awk -F: '/^used_memory:/ { print $2 }' | tr -d '\r')
    xlen=$(redis-cli -p "$REDIS" xlen soak:events)
    echo "$(mib "$used") MiB, xlen $xlen"
  fi
}

printf '\n%-6s %8s %6s %8s %8s %8s %11s %8s %5s %-22s %s\n' minute "ok/s" failed "p50 ms" "p99 ms" "max ms" \
  "delivered/s" "RSS MiB" fds store "dedupe records (stale)"
RSS=(); FDS=(); STALE_SEEN=0; NO_TTL_SEEN=0; MAX_DEDUPE=0; FAILED=0
for k in $(seq "$SAMPLES"); do
  until [ "$(wc -l 2>/dev/null <"$W/load.txt" || echo 0)" -ge "$k" ]; do
    kill -0 "$LOAD" 2>/dev/null || { echo "the load generator stopped early:"; cat "$W/load.out"; exit 1; }
    sleep 0.2
  done
  line=$(sed -n "${k}p" "$W/load.txt")
  rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON/status")
  fds=$(find "/proc/$DAEMON/fd" -mindepth 1 -maxdepth 1 | wc -l)
  read -r records stale no_ttl < <(dedupe_sample)
  RSS+=("$rss_kb"); FDS+=("$fds")
  [ "$stale" != - ] && [ "$stale" -gt 0 ] && STALE_SEEN=$(( STALE_SEEN + stale ))
  NO_TTL_SEEN=$(( NO_TTL_SEEN + no_ttl ))
  [ "$records" -gt "$MAX_DEDUPE" ] && MAX_DEDUPE=$records
  FAILED=$(( FAILED + $(field failed "$line") ))
  secs=$(( k < SAMPLES || SECONDS_TOTAL % INTERVAL == 0 ? INTERVAL : SECONDS_TOTAL % INTERVAL ))
  printf '%-6s %8.0f %6s %8s %8s %8s %11.0f %8s %5s %-22s %s\n' "$k" \
    "$(awk -v n="$(field ok "$line")" -v s="$secs" 'BEGIN { print n / s }')" "$(field failed "$line")" \
    "$(field p50_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" \
    "$(awk -v n="$(field delivered "$line")" -v s="$secs" 'BEGIN { print n / s }')" \
    "$(mib $(( rss_kb * 1024 )))" "$fds" "$(store_sample)" "$records ($stale)"
done
wait "$LOAD" || true; LOAD=""
read -r pending drained < <(rel_drain "$ADMIN" 60)

# ---- verdicts
status=0
verdict() {  # $1 ok|FAIL, $2 text
  printf '  %-4s %s\n' "$1" "$2"
  [ "$1" = ok ] || status=1
}
# grows at every post-warm-up sample and by more than the tolerance: "keeps growing"
keeps_growing() {  # $1 tolerance (absolute), $2 tolerance (fraction of the first), samples...
  local abs=$1 frac=$2; shift 2
  awk -v abs="$abs" -v frac="$frac" 'BEGIN {
    n = ARGC - 1; if (n < 2) exit 1
    for (i = 2; i <= n; i++) if (ARGV[i] + 0 <= ARGV[i - 1] + 0) exit 1
    tol = abs; if (ARGV[1] * frac > tol) tol = ARGV[1] * frac
    exit !(ARGV[n] - ARGV[1] > tol) }' "$@"
}
echo
echo "soak: $MINUTES min at $RATE req/s, store $STORE, dedupe_ttl $DEDUPE_TTL, samples every ${INTERVAL}s"
post_rss=("${RSS[@]:$WARMUP}"); post_fds=("${FDS[@]:$WARMUP}")
if [ "${#post_rss[@]}" -lt 2 ]; then
  verdict ok "RSS/fds: fewer than 2 samples after the warm-up of $WARMUP: growth not judged"
else
  rss_text="RSS after warm-up: $(for v in "${post_rss[@]}"; do printf '%s ' "$(mib $(( v * 1024 )))"; done)MiB"
  if keeps_growing 4096 0.05 "${post_rss[@]}"; then verdict FAIL "$rss_text — keeps growing"; else verdict ok "$rss_text"; fi
  fds_text="open fds after warm-up: ${post_fds[*]}"
  if keeps_growing 8 0 "${post_fds[@]}"; then verdict FAIL "$fds_text — keeps growing"; else verdict ok "$fds_text"; fi
fi
if [ "$FAILED" -eq 0 ]; then verdict ok "every request answered 2xx"; else verdict FAIL "$FAILED requests without a 2xx"; fi
keys_per_event=2   # dedupe_body is on: one key for the id, one for the body
bound=$(awk -v r="$RATE" -v t="$TTL_S" -v k="$keys_per_event" 'BEGIN { printf "%d", r * (t + 15) * k * 1.25 }')
if [ "$SECONDS_TOTAL" -le $(( TTL_S + PRUNE_GRACE_MS / 1000 )) ]; then
  verdict ok "dedupe pruning not exercised: the run is not longer than dedupe_ttl + 15 s"
elif [ "$STORE" = sqlite ]; then
  if [ "$STALE_SEEN" -eq 0 ] && [ "$MAX_DEDUPE" -le "$bound" ]; then
    verdict ok "dedupe rows pruned: none expired for over 15 s in any sample; at most $MAX_DEDUPE rows (bound $bound)"
  else
    verdict FAIL "dedupe rows not pruned: $STALE_SEEN expired rows seen over the samples; at most $MAX_DEDUPE rows (bound $bound)"
  fi
else
  if [ "$NO_TTL_SEEN" -eq 0 ] && [ "$MAX_DEDUPE" -le "$bound" ]; then
    verdict ok "dedupe keys expire: every sampled key has a TTL; at most $MAX_DEDUPE keys (bound $bound)"
  else
    verdict FAIL "dedupe keys not expiring: $NO_TTL_SEEN sampled keys without a TTL; at most $MAX_DEDUPE keys (bound $bound)"
  fi
fi
if [ "$pending" = 0 ]; then verdict ok "queue drained ${drained}s after the load stopped"; else verdict FAIL "queue still pending=$pending ${drained}s after the load stopped"; fi
kill "$DAEMON"; wait "$DAEMON" || verdict FAIL "daemon exited with $? on SIGTERM"; DAEMON=""
[ "$status" = 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit "$status"
