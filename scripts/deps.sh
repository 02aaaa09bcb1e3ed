#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the daemon need — only those missing.
# Sourced by run.sh and test.sh; safe to run again.
set -euo pipefail

SLWD_PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libssl-dev nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libhiredis-dev
  libjemalloc-dev libyaml-cpp-dev libsqlite3-dev libcurl4-openssl-dev libcli11-dev libgtest-dev libgmock-dev
  libsystemd-dev
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer targets (Debian 12: clang 14)
  redis-server curl nginx openssl
)

slwd_missing_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

slwd_install_packages() {
  local missing
  missing=$(slwd_missing_packages "$@")
  [ -z "$missing" ] && return 0
  echo "installing: $missing"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends $missing
}

# Configures and builds into $1 with extra CMake arguments after it.
slwd_build() {
  local dir=$1; shift
  local jobs=${SLWD_JOBS:-2}
  cmake -S "$SLWD_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}
