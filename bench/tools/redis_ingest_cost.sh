#!/usr/bin/env bash
# Where an ingested request's CPU goes on the Redis store: runs one daemon on a private
# redis-server (AOF everysec, noeviction) with a `file` handler, drives it like bench/ingest.sh
# (wrk -t1 -c32, the shared harness's signed 643-byte EMAIL_REPLY, unique X-Request-Ids), and
# prints req/s, p50/p99, CPU µs per request of the daemon and of Redis, the daemon's threads, and
# Redis's own accounting (INFO commandstats: script calls, records per call, µs per call).
# Compare two binaries back to back on the same machine state (A/B), never across runs:
#   SLWD_BIN=/tmp/a/smartlead-webhookd bench/tools/redis_ingest_cost.sh
#   SLWD_BIN=/tmp/b/smartlead-webhookd bench/tools/redis_ingest_cost.sh
# Env: DURATION (8s), PERF=1 (perf record -g of the daemon into $OUT/perf.data), PORT_BASE (8195:
# daemon PORT_BASE, admin PORT_BASE+1000, redis PORT_BASE-1800), OUT (/tmp/slwd-redis-cost).
# Only loopback; it stops every process it starts, by pid.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench}
BIN=${SLWD_BIN:-$ROOT/build-release/smartlead-webhookd}
DURATION=${DURATION:-8s}
OUT=${OUT:-/tmp/slwd-redis-cost}
PORT=${PORT_BASE:-8195}
ADMIN=$((PORT + 1000))
RPORT=$((PORT - 1800))
[ -x "$BIN" ] || { echo "no daemon binary at $BIN (set SLWD_BIN)"; exit 1; }
for c in wrk redis-server redis-cli python3; do command -v $c >/dev/null || { echo "missing: $c"; exit 1; }; done

rm -rf "$OUT"; mkdir -p "$OUT/payload"
cp "$HARNESS/gen_payload.py" "$OUT/payload/" && python3 "$OUT/payload/gen_payload.py" >/dev/null

pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port $RPORT --bind 127.0.0.1 --dir "$OUT" --save '' --appendonly yes \
  --appendfsync everysec --maxmemory-policy noeviction --protected-mode no --daemonize no \
  --logfile "$OUT/redis.log" >/dev/null 2>&1 &
rpid=$!; pids+=($rpid)
for _ in $(seq 100); do redis-cli -p $RPORT ping >/dev/null 2>&1 && break; sleep 0.1; done

cat > "$OUT/config.yaml" <<YAML
server:
  listen: "127.0.0.1:$PORT"
admin:
  listen: "127.0.0.1:$ADMIN"
endpoints:
  - path: /webhooks/smartlead
    secrets: ["bench-secret"]
store:
  type: redis
  redis: { url: "redis://127.0.0.1:$RPORT/0" }
  dedupe_body: false
handlers:
  - name: sink
    type: file
    path: $OUT/events.jsonl
logging: { level: warn }
YAML
"$BIN" serve --config "$OUT/config.yaml" > "$OUT/daemon.log" 2>&1 &
dpid=$!; pids+=($dpid)
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
sleep 0.5

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, clock ticks
hz=$(getconf CLK_TCK)
redis-cli -p $RPORT config resetstat >/dev/null
d0=$(ticks $dpid); r0=$(ticks $rpid)
declare -A t0
for t in /proc/$dpid/task/*; do t0[$(basename $t)]=$(ticks $dpid/task/$(basename $t)); done
if [ "${PERF:-0}" = 1 ]; then
  perf record -g -o "$OUT/perf.data" -p $dpid -- sleep 5 > "$OUT/perf.log" 2>&1 &
  pids+=($!)
fi
BENCH_DIR="$OUT/payload" BENCH_PATH=/webhooks/smartlead wrk -t1 -c32 -d"$DURATION" --latency \
  --timeout 5s -s "$HARNESS/lua/post.lua" "http://127.0.0.1:$PORT/webhooks/smartlead" \
  -- "c$(date +%s%N)" > "$OUT/wrk.txt" 2>&1
d1=$(ticks $dpid); r1=$(ticks $rpid)
requests=$(awk '/requests in/{print $1}' "$OUT/wrk.txt")
us() { echo $(( ($1) * 1000000 / hz / requests )); }

echo "$(awk '/Requests\/sec/{print $2}' "$OUT/wrk.txt") req/s, p50 $(awk '$1=="50%"{print $2}' "$OUT/wrk.txt"), p99 $(awk '$1=="99%"{print $2}' "$OUT/wrk.txt"), $(grep -E 'Non-2xx' "$OUT/wrk.txt" || echo 'all 2xx'), load $(cut -d' ' -f1 /proc/loadavg)"
echo "CPU per request: daemon $(us "d1 - d0") µs, redis $(us "r1 - r0") µs"
for t in /proc/$dpid/task/*; do
  id=$(basename $t); used=$(( $(ticks $dpid/task/$id) - ${t0[$id]:-0} ))
  [ $used -gt 0 ] && echo "  thread $(cat $t/comm) ($id): $(us used) µs/request"
done
stats=$(redis-cli -p $RPORT info commandstats | tr -d '\r')
evalsha=$(echo "$stats" | sed -n 's/^cmdstat_evalsha:calls=\([0-9]*\),usec=\([0-9]*\).*/\1 \2/p')
xadd=$(echo "$stats" | sed -n 's/^cmdstat_xadd:calls=\([0-9]*\).*/\1/p')
read -r calls usec <<< "${evalsha:-0 0}"
# usec is wall time inside Redis: on a loaded machine it includes time Redis was descheduled.
echo "redis: ${calls} EVALSHA for ${xadd:-0} recorded events ($(awk -v x=${xadd:-0} -v c=$calls 'BEGIN{printf "%.1f", c ? x / c : 0}') per call, claims and completes included), $(awk -v u=$usec -v r=$requests 'BEGIN{printf "%.1f", u / r}') µs/request in scripts"
echo "$stats" | grep -E '^cmdstat_(evalsha|exists|xadd|set|sadd|xreadgroup|xack|xautoclaim):' | cut -d, -f1-3 | sed 's/^/  /'
