#!/usr/bin/env bash
# From a fresh clone: install what is missing, build, run every test through ctest; then build
# and run the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Tests start their own services (redis-server, the daemon) on free loopback ports.
set -euo pipefail
SLWD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$SLWD_ROOT/scripts/deps.sh"

slwd_install_packages "${SLWD_PACKAGES[@]}"

run_suite() {
  local dir=$1; shift
  echo "== build $dir"
  slwd_build "$dir" "$@"
  echo "== test $dir"
  (cd "$dir" && ctest --output-on-failure -j "${SLWD_TEST_JOBS:-2}" --timeout 600)
}

run_suite "$SLWD_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The container image's build steps (docker/Dockerfile runs scripts/container-build.sh), for real:
# a Release build into a temp prefix whose binary must serve. Minutes long, so ctest skips it and
# it runs here once (tests/integration/deploy_test.cpp, ContainerBuild).
if [ "${SLWD_SKIP_CONTAINER_BUILD:-0}" != 1 ]; then
  echo "== container build steps"
  SLWD_CONTAINER_BUILD_TEST=1 "$SLWD_ROOT/build/tests/integration_tests" --gtest_filter='ContainerBuild.*'
fi
if [ "${SLWD_SKIP_SANITIZERS:-0}" != 1 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "$SLWD_ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DSLWD_SANITIZE=ON
fi
