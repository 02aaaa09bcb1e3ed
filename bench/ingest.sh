#!/usr/bin/env bash
# Ingest benchmark (issues #2, #4): smartlead-webhookd (file handler, durable before the 200) on
# its sqlite store (`slwd`) and on Redis with AOF everysec (`slwd-redis`, a private redis-server
# the harness starts on 127.0.0.1:6390), beside nginx `return 200` and a minimal Beast server, in
# ONE run of the shared harness (../shared/bench): wrk -t1 -c32 posting a signed 643-byte
# EMAIL_REPLY with a unique X-Request-Id per request. Prints req/s, p50/p99, RSS and the ratios
# to nginx and beast-min of every target per mode. Only loopback; every process it starts, it stops.
#   bench/ingest.sh                      10 s x 3 runs per case
#   DURATION=5s REPS=1 bench/ingest.sh   quick look
#   SLWD_SYNC=full bench/ingest.sh       synchronous: full (power-loss safe)
#   SLWD_TARGETS="slwd slwd-redis slwd-redis-always" bench/ingest.sh   add Redis appendfsync always
#   SLWD_TARGETS=slwd bench/ingest.sh    the sqlite store only (no redis-server needed)
#   SLWD_BIN=/path/to/smartlead-webhookd bench/ingest.sh   that binary, not a fresh build (A/B)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench}
OUT=${OUT:-/tmp/slwd-bench-ingest}

if [ -z "${SLWD_BIN:-}" ]; then
  cmake -S "$ROOT" -B "$ROOT/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLWD_BUILD_TESTS=OFF >/dev/null
  cmake --build "$ROOT/build-release" -j "${SLWD_JOBS:-2}" >/dev/null
  SLWD_BIN="$ROOT/build-release/smartlead-webhookd"
fi

install=0
for c in wrk nginx webhook gunicorn redis-server node taskset; do command -v "$c" >/dev/null || install=1; done

MODES=${MODES:-"unpinned pinned"}
cases=""
SLWD_TARGETS=${SLWD_TARGETS:-"slwd slwd-redis"}
for m in $MODES; do
  cases="$cases nginx-1w:$m:good beast-1t:$m:good"
  for t in $SLWD_TARGETS; do cases="$cases $t:$m:good"; done
done

INSTALL=$install DURATION=${DURATION:-10s} REPS=${REPS:-3} SKIP_REDIS_BENCH=1 \
  SLWD_BIN="$SLWD_BIN" SLWD_SYNC=${SLWD_SYNC:-normal} \
  CASES="$cases" BENCH_WORK="$OUT" OUTMD="$OUT/RESULTS.md" \
  "$HARNESS/run_all.sh" | grep -E "Requests/sec|FAILED|SKIP" || true

# every target of the run, each with its ratios to nginx-1w and beast-1t of the same mode
python3 "$ROOT/bench/ratios.py" "$OUT/RESULTS.md" slwd
