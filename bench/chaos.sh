#!/usr/bin/env bash
# Chaos run (issue #8): signed SmartLead traffic while the daemon, Redis and the handlers' target
# fail, then Jepsen-style invariants over what was acknowledged and what arrived.
#   bench/chaos.sh [minutes]          default 3; the minutes are split evenly across the phases
#   PHASES="sqlite" bench/chaos.sh 1  one phase only (sqlite | redis | redis-replicas)
#   OUT=/tmp/x RATE=300 BUILD_DIR=build-chaos bench/chaos.sh 30
#   SLWD_BIN=build-asan/smartlead-webhookd bench/chaos.sh   another build of the daemon
#
# Phases, each on a fresh store:
#   sqlite          one daemon on the SQLite store; faults: kill -9 of the daemon, restart
#   redis           one daemon on Redis (AOF on, appendfsync everysec); faults: kill -9 of the
#                   daemon or of redis-server, each restarted (Redis on the same AOF)
#   redis-replicas  two daemons on one Redis, the sender spread across both (a retry goes to the
#                   other replica, as behind a load balancer); faults: kill -9 of either replica or
#                   of redis-server
# Decisions:
# - The moving parts are C++ (bench/tools/chaos_*.cpp, built here with -DSLWD_BUILD_BENCH=ON):
#   `chaos_tool send` is the SmartLead-like sender (CONNECTIONS connections, RATE new ids/s,
#   unique delivery id and body per event; a 5xx, a connection error or a timeout is retried with
#   the same id after 1 s, 5 s and 30 s scaled by BACKOFF_SCALE, each retry to the next replica,
#   then given up; only a 2xx counts as acknowledged — a timeout is "unknown"); `chaos_tool sink`
#   is the handlers' target, flapping by itself between 200, 500, hanging past delivery.timeout,
#   and 429 with Retry-After (each handler on its own offset); `chaos_tool check` computes the
#   invariants from the journals.
# - Two `http` handlers: `every` (every event) and `replies` (events: EMAIL_REPLY,
#   LEAD_CATEGORY_UPDATED), so "every matching handler" and "never a non-matching one" are both
#   checked. Both sign with a secret the sink verifies, and the sink checks every body is the one
#   sent for that id.
# - retry.max_attempts is 10000 with backoff capped at 2 s: the flapping sink cannot exhaust it
#   within a run, so a dead letter at the end is a defect, not the policy working.
# - The faults are sequential (a kill, a pause of 0.5-1.5 s, a restart, ready again) every
#   FAULT_EVERY seconds (randomised ±30%), so a daemon is never restarted while Redis is down.
#   When the sending time is over the faults stop, the sink stops flapping (SIGUSR1), the sender
#   finishes its retries, and the script waits (up to DRAIN_TIMEOUT s) for the daemons'
#   smartlead_queue_pending gauges to reach zero; dead letters are counted with `dlq list --json`.
# - Redis: its own redis-server on a free port and a temp dir (never a system Redis), AOF on,
#   appendfsync everysec, noeviction; `require_safe_config: true`; lease 3 s so a killed replica's
#   claimed work is taken over within the run.
# - Exit status: non-zero when any invariant of any phase is violated (or a phase cannot run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=${1:-3}
W=${OUT:-/tmp/slwd-chaos}
BUILD=${BUILD_DIR:-$ROOT/build-release}
PHASES=${PHASES:-"sqlite redis redis-replicas"}
RATE=${RATE:-300}
CONNECTIONS=${CONNECTIONS:-8}
BACKOFF_SCALE=${BACKOFF_SCALE:-0.2}
FAULT_EVERY=${FAULT_EVERY:-8}
FAULT_KINDS=${FAULT_KINDS:-"daemon redis"}   # which kill -9s to inject (redis only in Redis phases)
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-180}
SECRET=chaos-secret
SINK_SECRET=chaos-sink-secret
REPLIES_EVENTS="EMAIL_REPLY LEAD_CATEGORY_UPDATED"

# shellcheck source=bench/tools/reliability_lib.sh
source "$ROOT/bench/tools/reliability_lib.sh"
targets=(chaos_tool); [ -z "${SLWD_BIN:-}" ] && targets+=(smartlead-webhookd)
rel_build "$BUILD" "${targets[@]}"
BIN=${SLWD_BIN:-$BUILD/smartlead-webhookd}   # SLWD_BIN: another build of the daemon (e.g. ASan)
TOOL=$BUILD/chaos_tool

rm -rf "$W"; mkdir -p "$W"
read -r PORT_A ADMIN_A PORT_B ADMIN_B SINK REDIS <<<"$("$TOOL" free-ports 6 | paste -sd ' ')"
PHASE_COUNT=$(wc -w <<<"$PHASES")
SECONDS_PER_PHASE=$(( MINUTES * 60 / PHASE_COUNT ))
BACKOFF_MS=$(awk -v s="$BACKOFF_SCALE" 'BEGIN { printf "%d,%d,%d", 1000*s, 5000*s, 30000*s }')

declare -A DAEMON_PID=()   # replica name -> pid
REDIS_PID=""; SINK_PID=""; SENDER_PID=""
cleanup() {
  local p
  for p in "${DAEMON_PID[@]}" "$REDIS_PID" "$SINK_PID" "$SENDER_PID"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

log() { printf '[%6.1fs] %s\n' "$(rel_since "$T0")" "$*"; }
rand_between() { awk -v lo="$1" -v hi="$2" -v r="$RANDOM" 'BEGIN { printf "%.2f", lo + (hi - lo) * r / 32767 }'; }

redis_start() { rel_redis_start "$REDIS" "$PD/redis" "$PD/redis.log"; REDIS_PID=$REL_REDIS_PID; }
redis_kill() { kill -9 "$REDIS_PID"; rel_reap "$REDIS_PID"; REDIS_PID=""; }

# ---- daemons: replica name a or b
config() {  # $1 store type, $2 public port, $3 admin port
  cat <<YAML
server: { listen: "127.0.0.1:$2", threads: 2 }
admin: { listen: "127.0.0.1:$3" }
endpoints:
  - path: /webhooks/smartlead
    secrets: ["$SECRET"]
store:
  type: $1
  sqlite: { path: $PD/store.db, synchronous: normal }
  redis: { url: "redis://127.0.0.1:$REDIS/0", key_prefix: "chaos:", lease: 3s,
           command_timeout: 1s, require_safe_config: true }
delivery:
  workers: 4
  timeout: 1s
  retry: { max_attempts: 10000, initial: 100ms, multiplier: 2, max: 2s, jitter: true }
handlers:
  - { name: every, type: http, url: "http://127.0.0.1:$SINK/every", secret: "$SINK_SECRET" }
  - name: replies
    type: http
    url: "http://127.0.0.1:$SINK/replies"
    secret: "$SINK_SECRET"
    events: [${REPLIES_EVENTS// /, }]
logging: { level: warn }
YAML
}
admin_of() { if [ "$1" = a ]; then echo "$ADMIN_A"; else echo "$ADMIN_B"; fi; }
daemon_start() {  # $1 replica
  "$BIN" serve --config "$PD/$1.yaml" >>"$PD/daemon-$1.log" 2>&1 &
  DAEMON_PID[$1]=$!
  rel_wait_ready "$(admin_of "$1")" "${DAEMON_PID[$1]}" "$PD/daemon-$1.log"
}
daemon_kill() { kill -9 "${DAEMON_PID[$1]}"; rel_reap "${DAEMON_PID[$1]}"; DAEMON_PID[$1]=""; }
daemon_stop() {
  [ -z "${DAEMON_PID[$1]:-}" ] && return 0
  kill "${DAEMON_PID[$1]}"; wait "${DAEMON_PID[$1]}" || echo "daemon $1 exited with $? on SIGTERM"
  DAEMON_PID[$1]=""
}

# ---- one fault: what a phase may break
fault() {  # $1 phase
  local kinds=() replicas=(a)
  [[ " $FAULT_KINDS " == *" daemon "* ]] && kinds+=(daemon)
  [ "$1" != sqlite ] && [[ " $FAULT_KINDS " == *" redis "* ]] && kinds+=(redis)
  [ ${#kinds[@]} -eq 0 ] && return 0
  [ "$1" = redis-replicas ] && replicas+=(b)
  local kind=${kinds[RANDOM % ${#kinds[@]}]}
  if [ "$kind" = daemon ]; then
    local r=${replicas[RANDOM % ${#replicas[@]}]}
    daemon_kill "$r"
    echo "daemon-kill-9 $r at $(rel_since "$T0")s" >>"$PD/faults.log"
    sleep "$(rand_between 0.5 1.5)"
    daemon_start "$r"
  else
    redis_kill
    echo "redis-kill-9 at $(rel_since "$T0")s" >>"$PD/faults.log"
    sleep "$(rand_between 0.5 1.5)"
    redis_start
  fi
}

# The queue did not drain: keep what the store holds for the defect report ($PD/leftover.txt).
leftover() {  # $1 store type
  {
    echo "## metrics"; curl -fsS "http://127.0.0.1:$ADMIN_A/metrics" | grep -E '^smartlead_(queue_pending|dlq_size)'
    if [ "$1" = redis ]; then
      local r=(redis-cli -p "$REDIS") g
      echo "## XLEN"; "${r[@]}" xlen chaos:events
      echo "## XINFO GROUPS"; "${r[@]}" xinfo groups chaos:events
      for g in every replies; do
        echo "## XPENDING $g"; "${r[@]}" xpending chaos:events "$g"
        echo "## XINFO CONSUMERS $g"; "${r[@]}" xinfo consumers chaos:events "$g"
        echo "## retry zsets $g"; "${r[@]}" zcard "chaos:retry:$g"; "${r[@]}" zcard "chaos:retry-leased:$g"
      done
    fi
  } >"$PD/leftover.txt" 2>&1 || true
  log "what was left is in $PD/leftover.txt"
}

run_phase() {  # $1 phase
  local phase=$1 store=sqlite
  PD=$W/$phase; mkdir -p "$PD/redis"; : >"$PD/faults.log"
  [ "$phase" != sqlite ] && store=redis
  config "$store" "$PORT_A" "$ADMIN_A" >"$PD/a.yaml"
  config "$store" "$PORT_B" "$ADMIN_B" >"$PD/b.yaml"
  log "phase $phase: $SECONDS_PER_PHASE s of traffic at $RATE ids/s"
  [ "$store" = redis ] && redis_start
  "$TOOL" sink --port "$SINK" --journal "$PD/sink.journal" --secret "$SINK_SECRET" >"$PD/sink.out" &
  SINK_PID=$!
  daemon_start a
  local urls=(--url "http://127.0.0.1:$PORT_A/webhooks/smartlead")
  if [ "$phase" = redis-replicas ]; then
    daemon_start b
    urls+=(--url "http://127.0.0.1:$PORT_B/webhooks/smartlead")
  fi
  "$TOOL" send "${urls[@]}" --secret "$SECRET" --prefix "$phase" --journal "$PD/sender.journal" \
    --connections "$CONNECTIONS" --rate "$RATE" --seconds "$SECONDS_PER_PHASE" \
    --backoff-ms "$BACKOFF_MS" >"$PD/sender.out" &
  SENDER_PID=$!
  local faults_end; faults_end=$(awk -v t="$(rel_now)" -v d="$SECONDS_PER_PHASE" 'BEGIN { printf "%.3f", t + d }')
  while :; do
    sleep "$(rand_between "$(awk -v f="$FAULT_EVERY" 'BEGIN{print f*0.7}')" "$(awk -v f="$FAULT_EVERY" 'BEGIN{print f*1.3}')")"
    awk -v t="$(rel_now)" -v e="$faults_end" 'BEGIN { exit !(t < e) }' || break
    fault "$phase"
  done
  log "faults stop ($(wc -l <"$PD/faults.log") injected); the sink stops flapping"
  kill -USR1 "$SINK_PID"
  wait "$SENDER_PID"; SENDER_PID=""
  local pending drained
  read -r pending drained < <(rel_drain "$ADMIN_A" "$DRAIN_TIMEOUT")
  log "queue pending=$pending after ${drained}s"
  [ "$pending" != 0 ] && leftover "$store"
  local dead
  dead=$("$BIN" dlq list --config "$PD/a.yaml" --json | awk '{ n += gsub(/"delivery_id"/, "") } END { print n + 0 }') ||
    dead=-1
  kill "$SINK_PID"; wait "$SINK_PID" || true; SINK_PID=""
  daemon_stop a; daemon_stop b
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID"; rel_reap "$REDIS_PID"; REDIS_PID=""; fi
  local handler_specs=(--handler every --handler "replies=${REPLIES_EVENTS// /+}")
  "$TOOL" check --label "$phase" --sender "$PD/sender.journal" --sink "$PD/sink.journal" \
    "${handler_specs[@]}" --faults "$PD/faults.log" --pending "$pending" --dead "$dead" \
    --extra "$(cat "$PD/sender.out"); $(grep '^sink: answers' "$PD/sink.out"); drained in ${drained}s" \
    >"$PD/report.txt" || status=1
  cat "$PD/report.txt"
}

T0=$(rel_now)
status=0
for phase in $PHASES; do
  run_phase "$phase"  # sets status=1 when an invariant is violated; a phase that cannot run exits
done
echo
echo "chaos: $MINUTES min over phases: $PHASES ($(rel_since "$T0") s wall time); reports under $W/*/report.txt"
[ "$status" = 0 ] && echo "chaos: every invariant held in every phase" || echo "chaos: FAILED"
exit "$status"
