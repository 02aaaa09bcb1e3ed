#!/usr/bin/env bash
# From a fresh clone: install what is missing, build, and run the daemon on config/dev.yaml
# (embedded SQLite store under ./data, a log handler and a file handler writing ./data/events.jsonl).
set -euo pipefail
SLWD_ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/deps.sh
source "$SLWD_ROOT/scripts/deps.sh"

slwd_install_packages "${SLWD_PACKAGES[@]}"
slwd_build "$SLWD_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLWD_BUILD_TESTS=OFF

cd "$SLWD_ROOT"
export SMARTLEAD_WEBHOOK_SECRET=${SMARTLEAD_WEBHOOK_SECRET:-dev-secret}
exec "$SLWD_ROOT/build/smartlead-webhookd" serve --config "$SLWD_ROOT/config/dev.yaml" "$@"
