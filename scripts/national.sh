#!/usr/bin/env bash
# scripts/national.sh — builds release, loads issue 14's national data set (1,000 dealers in 50
# groups, ~50,000 parts, ~5 M stock rows, ~2 M service-history rows, ~1 M closed tickets) into a
# fresh database with `rescuedesk seed --national`, prints the rows per table, the load time and
# the peak RSS, then times the monthly report for one whole group over a year (issue 13: within
# a second) with `rescuedesk bench --report`.
#
# Usage: scripts/national.sh [sqlite|postgres]
#   sqlite   (default) the file $NATIONAL_DB (default /var/tmp/rescuedesk-national.sqlite3),
#            replaced; it is KEPT for the other benchmarks (export NATIONAL_DB to reuse it:
#            RESCUEDESK__DATABASE__URL=sqlite://$NATIONAL_DB).
#   postgres a private cluster from scripts/pg.sh in $NATIONAL_PG (default
#            /var/tmp/rescuedesk-national-pg), left running; its URL is printed
#            (stop it with scripts/pg.sh stop $NATIONAL_PG).
# NATIONAL_SKIP_BUILD=1 reuses the release binary; NATIONAL_SKIP_LOAD=1 only times the report;
# NATIONAL_ARGS='--days 365' passes options to `rescuedesk seed --national`.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BACKEND=${1:-sqlite}
cd "$REPO"
[ "${NATIONAL_SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"

case "$BACKEND" in
  sqlite)
    NATIONAL_DB=${NATIONAL_DB:-/var/tmp/rescuedesk-national.sqlite3}
    if [ "${NATIONAL_SKIP_LOAD:-0}" != 1 ]; then
      rm -f "$NATIONAL_DB" "$NATIONAL_DB-wal" "$NATIONAL_DB-shm"
    fi
    export RESCUEDESK__DATABASE__URL="sqlite://$NATIONAL_DB"
    ;;
  postgres)
    NATIONAL_PG=${NATIONAL_PG:-/var/tmp/rescuedesk-national-pg}
    if [ "${NATIONAL_SKIP_LOAD:-0}" != 1 ]; then
      bash scripts/pg.sh stop "$NATIONAL_PG" || true
      rm -rf "$NATIONAL_PG"
    fi
    RESCUEDESK__DATABASE__URL=$(bash scripts/pg.sh url "$NATIONAL_PG" 2>/dev/null || bash scripts/pg.sh start "$NATIONAL_PG")
    export RESCUEDESK__DATABASE__URL
    ;;
  *) echo "usage: $0 [sqlite|postgres]" >&2; exit 2 ;;
esac
echo "[national] database ${RESCUEDESK__DATABASE__URL}" >&2

if [ "${NATIONAL_SKIP_LOAD:-0}" != 1 ]; then
  TIMES=$(mktemp)
  trap 'rm -f "$TIMES"' EXIT
  # The phase lines (stock, fleet, past: done at … s) stay on stderr; the JSON log does not.
  /usr/bin/time -v -o "$TIMES" "$BIN" --log-format json seed --national ${NATIONAL_ARGS:-} \
    2> >(grep --line-buffered -E '^(stock|fleet|past): ' >&2)
  awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %.0f MB\n", $2/1024}
              /Elapsed \(wall clock\)/ {print "wall clock: " $2}' "$TIMES"
  [ "$BACKEND" = sqlite ] && ls -l --block-size=M "$NATIONAL_DB" | awk '{print "file: " $5 " " $9}'
fi
"$BIN" --log-format json bench --report "${REPORT_RUNS:-5}" 2>/dev/null
