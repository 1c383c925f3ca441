#!/usr/bin/env bash
# scripts/bench-rescue.sh — whole rescues per second over HTTP against the CPU ceiling, in one run
# (issue 14, benchmark 3).
#
# Builds the release binary, starts `rescuedesk demo` on a throw-away SQLite file (WAL,
# synchronous=FULL: the shipped durability) and runs `rescuedesk drive rescue` on loopback: each
# of CONCURRENCY workers walks a rescue through intake → plan → submit → review → consent →
# approve → issue parts → dispatch (timed: the rescue), then arrive → resolve → close (so its
# crew is free again; one active job per technician), over and over for DURATION seconds. The
# driver readies the demo database first (`services::bench_setup`: a sign-in per technician, the
# rota cleared, stock for one part) and reads the server's CPU time (user + system,
# /proc/PID/stat; on PostgreSQL the cluster's too) over the run.
#
# The ceiling printed with it: the CPU bound (the rescues/s the machine's cores could carry at the
# measured server + database CPU per rescue, with the load generator free), and, for the disk,
# raw one-row commits on the same file system divided by the commits a rescue makes (11 writes:
# what it would be without group commit).
#
# Usage: scripts/bench-rescue.sh                       (DURATION=20, CONCURRENCY="32 8 1")
#        BACKEND=postgres scripts/bench-rescue.sh      (a private cluster from scripts/pg.sh,
#                                                       fsync and synchronous_commit on)
#        RESCUEDESK_BIN=/path/to/rescuedesk scripts/bench-rescue.sh   (no build: that binary)
set -euo pipefail

log() { echo "[bench-rescue] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-20}
CONCURRENCY=${CONCURRENCY:-"32 8 1"}
BACKEND=${BACKEND:-sqlite}
cd "$REPO"

if [[ -n "${RESCUEDESK_BIN:-}" ]]; then
  BIN=$RESCUEDESK_BIN
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
fi
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rescuedesk-bench-rescue.XXXXXX")
SERVER_PID=
PG_DIR=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n "$PG_DIR" ]] && { bash "$REPO/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Raw one-row commits on this disk, same journal mode and durability (as bench-intake.sh).
ceiling() {
  python3 - "$WORK/ceiling.sqlite3" 5 <<'PY'
import sqlite3, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
n, end = 0, time.monotonic() + seconds
while time.monotonic() < end:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 600,))
    db.execute("COMMIT")
    n += 1
print(f"{n / seconds:.0f}")
PY
}

PM_ARGS=()
if [[ $BACKEND == postgres ]]; then
  PG_DIR=$(mktemp -d /tmp/rescuedesk-bench-pg.XXXXXX)
  PG_URL=$(bash "$REPO/scripts/pg.sh" start "$PG_DIR")
  psql -q "$PG_URL" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  [[ $(psql -Atq "$PG_URL" -c "SHOW fsync")/$(psql -Atq "$PG_URL" -c "SHOW synchronous_commit") == on/on ]] ||
    { log "ERROR: could not turn fsync and synchronous_commit on"; exit 1; }
  DB_LINE="PostgreSQL (private cluster, fsync on, synchronous_commit on)"
  PM_ARGS=(--postmaster-pid "$(head -n 1 "$PG_DIR/data/postmaster.pid")")
  CEIL=
else
  log "ceiling: one-row commits for 5 s"
  CEIL=$(ceiling)
  DB_LINE="SQLite WAL synchronous=FULL"
fi

start_server() {
  PORT=$(free_port)
  if [[ $BACKEND == postgres ]]; then
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS bench_app" -c "CREATE DATABASE bench_app" >/dev/null
    export RESCUEDESK__DATABASE__URL="${PG_URL%/*}/bench_app"
  else
    rm -f "$WORK"/rd.sqlite3*
    export RESCUEDESK__DATABASE__URL="sqlite://$WORK/rd.sqlite3"
  fi
  RESCUEDESK__DEMO__PAST=false "$BIN" --log-format json demo --port "$PORT" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { log "server did not start"; tail "$WORK/server.log" >&2; exit 1; }
}

stop_server() {
  RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

rows=()
for c in $CONCURRENCY; do
  # A fresh database per run: the stock, the open tickets and the audit start from the demo.
  start_server
  log "$c at once, ${DURATION}s"
  "$BIN" drive rescue --base "http://127.0.0.1:$PORT" --concurrency "$c" --seconds "$DURATION" \
    --server-pid "$SERVER_PID" "${PM_ARGS[@]}" >"$WORK/drive-$c.txt" 2>"$WORK/drive-$c.err" ||
    { log "driver failed"; cat "$WORK/drive-$c.err" >&2; exit 1; }
  stop_server
  cat "$WORK/drive-$c.txt" >&2
  read -r _ rps p50 p99 errors server db driver < <(grep '^RESULT' "$WORK/drive-$c.txt")
  rows+=("$c|$rps|$p50|$p99|$errors|$server|$db|$driver|$((RSS_KB / 1024))")
done

CORES=$(nproc)
echo
echo "whole rescue (intake → dispatch) over HTTP, $DB_LINE, ${DURATION}s each, $CORES cores"
[[ -n "$CEIL" ]] && echo "raw one-row commits, same disk and durability: $CEIL/s (÷ 11 commits a rescue = $((CEIL / 11)) rescues/s without group commit)"
printf '%6s %10s %8s %8s %7s %10s %8s %10s %10s %9s %8s\n' "at once" "rescues/s" "p50 ms" "p99 ms" errors "server ms" "db ms" "driver ms" "CPU bound" "× bound" "RSS MB"
for r in "${rows[@]}"; do
  IFS='|' read -r c rps p50 p99 errors server db driver rss <<<"$r"
  read -r bound ratio < <(python3 -c "b = $CORES * 1000 / max($server + $db, 0.001); print(f'{b:.0f} {$rps / b:.2f}')")
  printf '%6s %10s %8s %8s %7s %10s %8s %10s %10s %9s %8s\n' "$c" "$rps" "$p50" "$p99" "$errors" "$server" "$db" "$driver" "$bound/s" "$ratio" "$rss"
done
echo "server/db/driver ms: CPU time per rescue (intake → close); CPU bound: rescues/s $CORES cores could carry at the server + database cost"
