#!/usr/bin/env bash
# scripts/bench-sourcing.sh — times the parts-sourcing search on a generated network
# (default scale 125 ≈ 1,000 dealers and ~1.8 M stock rows) in a throw-away SQLite
# file, or on PostgreSQL with RESCUEDESK__DATABASE__URL set to an EMPTY database.
# Usage: scripts/bench-sourcing.sh [SCALE] [QUERIES]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCALE=${1:-125}
QUERIES=${2:-500}
cd "$REPO"
cargo build --release --quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rescuedesk-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export RESCUEDESK__DATABASE__URL=${RESCUEDESK__DATABASE__URL:-sqlite://$WORK/bench.sqlite3}
echo "[bench] scale $SCALE, $QUERIES queries, database ${RESCUEDESK__DATABASE__URL%%\?*}" >&2
"${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk" --log-format json bench --scale "$SCALE" --queries "$QUERIES" 2>/dev/null
