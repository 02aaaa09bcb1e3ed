# shellcheck shell=bash
# Shell helpers shared by bench/chaos.sh and bench/soak.sh (sourced, not run): installing and
# building what they need, a private redis-server, waiting for a daemon to be ready, the queue
# gauge. Every process started here is the caller's to stop (its pid is handed back).

# Installs the missing Debian packages (scripts/deps.sh), then builds `targets` into $1 with the
# bench tools on. A new build dir is Release without the tests; an existing one (scripts/test.sh
# passes its own `build`) keeps its build type and its tests, only the bench tools are added.
rel_build() {  # $1 build dir, then targets
  local dir=$1; shift
  # shellcheck source=scripts/deps.sh
  SLWD_ROOT=$ROOT source "$ROOT/scripts/deps.sh"
  slwd_install_packages "${SLWD_PACKAGES[@]}"
  if [ -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$dir" -DSLWD_BUILD_BENCH=ON >/dev/null
  else
    cmake -S "$ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSLWD_BUILD_TESTS=OFF \
      -DSLWD_BUILD_BENCH=ON >/dev/null
  fi
  cmake --build "$dir" -j "${SLWD_JOBS:-2}" --target "$@" >"$dir/bench-build.log" 2>&1 ||
    { echo "build failed ($dir/bench-build.log):" >&2; grep -m5 -E 'error|FAILED' "$dir/bench-build.log" >&2; return 1; }
}

rel_now() { date +%s.%N; }
rel_since() { awk -v a="$(rel_now)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
# Waits for a child that was killed, without the shell's "Killed" notice.
rel_reap() { wait "$1" 2>/dev/null || true; }

# A redis-server of our own: loopback, a free port, its own dir, AOF on (appendfsync everysec),
# no RDB snapshots, noeviction (SPEC §9). Never the system's Redis. Sets REL_REDIS_PID.
rel_redis_start() {  # $1 port, $2 dir, $3 log file
  mkdir -p "$2"
  redis-server --port "$1" --bind 127.0.0.1 --dir "$2" --save "" --appendonly yes \
    --appendfsync everysec --maxmemory-policy noeviction --daemonize no >>"$3" 2>&1 &
  REL_REDIS_PID=$!
  local _
  for _ in $(seq 400); do
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$REL_REDIS_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "redis-server did not start:" >&2; tail -5 "$3" >&2; return 1
}

# Waits until the daemon `pid` answers /readyz on `admin_port` (store reachable), at most 20 s.
rel_wait_ready() {  # $1 admin port, $2 pid, $3 log file
  local _
  for _ in $(seq 400); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "daemon (pid $2) did not become ready:" >&2; tail -5 "$3" >&2; return 1
}

# The sum of smartlead_queue_pending over every handler, or nothing when /metrics is unreachable.
rel_pending_total() {  # $1 admin port
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk '/^smartlead_queue_pending\{/ { s += $2; n++ } END { if (n) print s }'
}

# Polls the pending gauge until it is 0 or `timeout` seconds passed; prints "<pending> <seconds>".
rel_drain() {  # $1 admin port, $2 timeout in seconds
  local started pending=""; started=$(rel_now)
  while :; do
    pending=$(rel_pending_total "$1")
    [ "$pending" = 0 ] && break
    awk -v t="$(rel_since "$started")" -v m="$2" 'BEGIN { exit !(t < m) }' || break
    sleep 0.5
  done
  echo "${pending:--1} $(rel_since "$started")"
}
