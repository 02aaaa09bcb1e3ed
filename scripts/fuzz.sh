#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang + ASan + UBSan) into build-fuzz and runs each
# for SECONDS (default 60): first every saved regression input of the target, then fuzzing from
# seeds generated off the test fixtures, in a scratch copy so the repository's corpus stays as
# committed. Any crash, leak, timeout, OOM or sanitizer report fails the run; the input that
# caused it is copied to tests/fuzz/regressions/<target>/ to be fixed and kept.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (targets: events http_request config slack hubspot)
set -euo pipefail
SLWD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$SLWD_ROOT/scripts/deps.sh"

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(events http_request config slack hubspot)
case $seconds in '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

slwd_install_packages "${SLWD_PACKAGES[@]}"

fuzz_dir=$SLWD_ROOT/tests/fuzz
build=${SLWD_FUZZ_BUILD_DIR:-$SLWD_ROOT/build-fuzz}
echo "== build $build (clang, libFuzzer + ASan + UBSan)"
cmake -S "$SLWD_ROOT" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSLWD_FUZZ=ON >/dev/null
cmake --build "$build" -j "${SLWD_JOBS:-2}" --target $(printf 'fuzz_%s ' "${targets[@]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/slwd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$fuzz_dir/seed_corpus.sh" "$work/corpus"

# Our own settings, whatever the calling script exported for its sanitizer suite.
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

dict_of() {
  case $1 in
    config) echo "$fuzz_dir/dict/yaml.dict" ;;
    http_request) cat "$fuzz_dir/dict/http.dict" "$fuzz_dir/dict/json.dict" > "$work/http_request.dict"
                  echo "$work/http_request.dict" ;;
    *) echo "$fuzz_dir/dict/json.dict" ;;
  esac
}

failed=()
for target in "${targets[@]}"; do
  binary=$build/tests/fuzz/fuzz_$target
  regressions=$fuzz_dir/regressions/$target
  log=$work/$target.log
  if compgen -G "$regressions/*" >/dev/null; then
    echo "== $target: replaying $(find "$regressions" -type f | wc -l) regression input(s)"
    if ! "$binary" -timeout=5 -rss_limit_mb=2048 "$regressions"/* >"$log.replay" 2>&1 </dev/null; then
      tail -n 40 "$log.replay"
      echo "!! $target: a saved regression input fails again (log above)"
      failed+=("$target")
      continue
    fi
  fi
  echo "== $target: fuzzing for ${seconds}s"
  mkdir -p "$work/artifacts/$target"
  # stdin from /dev/null: a config naming /dev/stdin as a secret file must not wait for a tty.
  if "$binary" "$work/corpus/$target" -dict="$(dict_of "$target")" \
      -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/$target/" -print_final_stats=1 >"$log" 2>&1 </dev/null; then
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" | tr '\n' ' '
    echo
  else
    tail -n 60 "$log"
    mkdir -p "$regressions"
    for artifact in "$work/artifacts/$target"/*; do
      [ -e "$artifact" ] || continue
      cp "$artifact" "$regressions/"
      echo "!! $target: saved $(basename "$artifact") to tests/fuzz/regressions/$target/ — fix the" \
           "defect, keep the file (it is replayed on every run)"
    done
    failed+=("$target")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "!! fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "== fuzzing passed: ${targets[*]} (${seconds}s each)"
