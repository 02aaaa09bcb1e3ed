#!/usr/bin/env bash
# Delivery benchmark (issue #3), all in one run on loopback:
#   1. ingest-only baseline: the daemon with a `file` handler under wrk (as bench/ingest.sh);
#   2. end to end: the daemon with an `http` handler forwarding to a fast local sink, under the
#      same wrk load: acknowledged req/s (wrk) and delivered events/s (sink), side by side;
#   3. lag: a fresh daemon and store, signed posts at a steady rate below saturation
#      (LAG_RATE/s), the lag from each 200 to that delivery id's arrival at the sink, p50/p99.
#   DURATION=10s LAG_RATE=2000 bench/delivery.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${HARNESS:-$ROOT/../shared/bench}
W=${OUT:-/tmp/slwd-bench-delivery}
DURATION=${DURATION:-10s}; DSEC=${DURATION%s}
LAG_RATE=${LAG_RATE:-2000}; LAG_SECONDS=${LAG_SECONDS:-10}
PORT=8128; ADMIN=9128; SINK=8129
rm -rf "$W"; mkdir -p "$W"

command -v wrk >/dev/null || { sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo); "${sudo[@]}" apt-get install -y -qq wrk; }
cmake -S "$ROOT" -B "$ROOT/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLWD_BUILD_TESTS=OFF \
  -DSLWD_BUILD_BENCH=ON >/dev/null
cmake --build "$ROOT/build-release" -j "${SLWD_JOBS:-2}" >/dev/null
BIN=$ROOT/build-release/smartlead-webhookd
TOOL=$ROOT/build-release/e2e_bench
cp "$HARNESS/gen_payload.py" "$HARNESS/lua/post.lua" "$W/"
python3 "$W/gen_payload.py" >/dev/null   # payload.json + payload.sig (secret bench-secret)

port_open() { (exec 3<>/dev/tcp/127.0.0.1/$1) 2>/dev/null; }
wait_port() { local i; for i in $(seq 100); do port_open "$1" && return 0; sleep 0.1; done; return 1; }
PIDS=()
cleanup() { local p; for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

config() {  # $1 = handler block
  cat <<YAML
server: { listen: "127.0.0.1:$PORT" }
admin: { listen: "127.0.0.1:$ADMIN" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["bench-secret"]
store:
  sqlite: { path: $W/store.db, synchronous: normal }
  dedupe_body: false
handlers:
$1
logging: { level: warn }
YAML
}

start_daemon() {  # $1 = config file
  rm -f "$W"/store.db*
  "$BIN" serve --config "$1" > "$W/daemon.log" 2>&1 &
  DAEMON=$!; PIDS+=("$DAEMON")
  wait_port $PORT || { echo "daemon did not start"; cat "$W/daemon.log"; exit 1; }
}
stop_daemon() { kill "$DAEMON"; wait "$DAEMON" 2>/dev/null || true; }

run_wrk() {  # prints "rps p99"
  BENCH_DIR=$W BENCH_PATH=/webhooks/smartlead wrk -t1 -c32 -d"$DURATION" --latency -s "$W/post.lua" \
    "http://127.0.0.1:$PORT/webhooks/smartlead" -- "run$RANDOM" > "$W/wrk.txt"
  echo "$(awk '/Requests\/sec/{print $2}' "$W/wrk.txt") $(awk '/ 99%/{print $2}' "$W/wrk.txt")"
}

config "  - { name: sink, type: file, path: $W/events.jsonl }" > "$W/file.yaml"
config "  - { name: forward, type: http, url: \"http://127.0.0.1:$SINK/in\" }" > "$W/http.yaml"

start_daemon "$W/file.yaml"
read -r base_rps base_p99 < <(run_wrk)
stop_daemon

"$TOOL" sink $SINK $((DSEC + 8)) > "$W/sink.txt" & PIDS+=($!)
wait_port $SINK
start_daemon "$W/http.yaml"
read -r e2e_rps e2e_p99 < <(run_wrk)
wait "${PIDS[-2]}" || true   # the sink prints when its time is up
stop_daemon
delivered=$(sed 's/.*delivered_per_s=//' "$W/sink.txt")

start_daemon "$W/http.yaml"
lag=$("$TOOL" lag $SINK "http://127.0.0.1:$PORT/webhooks/smartlead" bench-secret "$W/payload.json" \
      "$LAG_RATE" "$LAG_SECONDS" 8 || true)
stop_daemon

printf '\n%-44s %s\n' "ingest only (file handler), req/s, p99" "$base_rps $base_p99"
printf '%-44s %s\n' "with http forwarding, acked req/s, p99" "$e2e_rps $e2e_p99"
printf '%-44s %s\n' "  delivered to the sink, events/s" "$delivered"
printf '%-44s %s\n' "  ingest with delivery / ingest only" "$(python3 -c "print(f'{$e2e_rps/$base_rps:.2f}')")"
printf '%-44s %s\n' "lag 200 -> sink at ${LAG_RATE}/s" "$lag"
