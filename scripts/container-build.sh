#!/usr/bin/env bash
# The container image's build and runtime steps. docker/Dockerfile's RUN lines call exactly these,
# and they run the same without a Docker engine, so the test suite exercises them for real.
#
#   container-build.sh deps               build stage: the packages scripts/deps.sh lists
#   container-build.sh build PREFIX       build stage: Release build (no tests), then
#                                         `cmake --install --strip` into PREFIX (PREFIX/bin, ...)
#   container-build.sh runtime            runtime stage: runtime libraries only, the service user
#                                         (uid/gid 10001) and its state directory
#   container-build.sh runtime-packages   prints the runtime package list, one per line
#
# Environment: SLWD_BUILD_DIR (build tree; default build-container in the source tree),
# SLWD_JOBS (parallel compile jobs; default 2). ccache is used when present (the Dockerfile
# mounts a BuildKit cache at its directory).
set -euo pipefail
SLWD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$SLWD_ROOT/scripts/deps.sh"

# What the binary links against on Debian 12 (libstdc++, libgcc and libc are in debian:12-slim
# already), plus: ca-certificates (handlers verify TLS), curl (the HEALTHCHECK) and tini (PID 1:
# forwards signals and reaps what command handlers leave behind).
SLWD_RUNTIME_PACKAGES=(
  libcurl4 libfmt9 libhiredis0.14 libjemalloc2 libsimdjson14 libspdlog1.10 libsqlite3-0 libssl3
  libsystemd0 libyaml-cpp0.7
  ca-certificates curl tini
)
SLWD_UID=10001
SLWD_STATE_DIR=/var/lib/smartlead-webhookd

usage() {
  sed -n '5,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

cmd_build() {
  local prefix=${1:?usage: container-build.sh build PREFIX}
  local dir=${SLWD_BUILD_DIR:-$SLWD_ROOT/build-container}
  slwd_build "$dir" -DCMAKE_BUILD_TYPE=Release -DSLWD_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
  cmake --install "$dir" --prefix "$prefix" --strip
}

cmd_runtime() {
  slwd_install_packages "${SLWD_RUNTIME_PACKAGES[@]}"
  rm -rf /var/lib/apt/lists/*
  # A fixed numeric id, so Kubernetes' runAsNonRoot can check it and volumes can be chowned to it.
  getent group slwd >/dev/null || groupadd --system --gid "$SLWD_UID" slwd
  getent passwd slwd >/dev/null ||
    useradd --system --uid "$SLWD_UID" --gid slwd --home-dir "$SLWD_STATE_DIR" --no-create-home \
      --shell /usr/sbin/nologin slwd
  install -d -o slwd -g slwd -m 0700 "$SLWD_STATE_DIR"
  install -d -m 0755 /etc/smartlead-webhookd
}

case "${1:-}" in
  deps) slwd_install_packages "${SLWD_PACKAGES[@]}" ;;
  build) shift; cmd_build "$@" ;;
  runtime) cmd_runtime ;;
  runtime-packages) printf '%s\n' "${SLWD_RUNTIME_PACKAGES[@]}" ;;
  *) usage ;;
esac
