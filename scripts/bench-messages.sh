#!/usr/bin/env bash
# scripts/bench-messages.sh — messages from their commit to a loopback SMS gateway, against the
# gateway's own rate, in one run (issue 14, benchmark 4).
#
# Builds the release binary, starts `rescuedesk demo` on a throw-away SQLite file (WAL,
# synchronous=FULL) with `[sms] provider = "webhook"` pointing at a gateway on loopback, which
# `rescuedesk drive messages` plays. The driver commits outbox rows into the server's database
# (`repo::outbox::enqueue`, what the use cases call, one transaction per message) and the
# server's outbox worker delivers them; the gateway notes when each arrives.
#   1. ceiling: the gateway alone, the same requests straight from a client, 20 in flight;
#   2. latency: RATE messages a second (100 by default) for DURATION seconds: commit → arrival
#      p50 / p99 / max;
#   3. drain: DRAIN messages (10,000 by default) committed at once: messages per second from the
#      commit to the last arrival, against the ceiling.
# The server's CPU time (user + system, /proc/PID/stat; on PostgreSQL the cluster's too) per
# message is printed for phases 2 and 3, and how many arrived twice (there must be none).
#
# Usage: scripts/bench-messages.sh                       (DURATION=20, RATE=100, DRAIN=10000)
#        BACKEND=postgres scripts/bench-messages.sh      (private cluster from scripts/pg.sh,
#                                                         fsync and synchronous_commit on)
#        RESCUEDESK_BIN=/path/to/rescuedesk scripts/bench-messages.sh   (no build: that binary)
set -euo pipefail

log() { echo "[bench-messages] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-20}
RATE=${RATE:-100}
DRAIN=${DRAIN:-10000}
BACKEND=${BACKEND:-sqlite}
cd "$REPO"

if [[ -n "${RESCUEDESK_BIN:-}" ]]; then
  BIN=$RESCUEDESK_BIN
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
fi
DRIVER=${DRIVER_BIN:-$BIN}
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rescuedesk-bench-messages.XXXXXX")
SERVER_PID=
PG_DIR=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n "$PG_DIR" ]] && { bash "$REPO/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PM_ARGS=()
if [[ $BACKEND == postgres ]]; then
  PG_DIR=$(mktemp -d /tmp/rescuedesk-bench-pg.XXXXXX)
  PG_URL=$(bash "$REPO/scripts/pg.sh" start "$PG_DIR")
  psql -q "$PG_URL" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  [[ $(psql -Atq "$PG_URL" -c "SHOW fsync")/$(psql -Atq "$PG_URL" -c "SHOW synchronous_commit") == on/on ]] ||
    { log "ERROR: could not turn fsync and synchronous_commit on"; exit 1; }
  psql -q "$PG_URL" -c "CREATE DATABASE bench_app" >/dev/null
  export RESCUEDESK__DATABASE__URL="${PG_URL%/*}/bench_app"
  PM_ARGS=(--postmaster-pid "$(head -n 1 "$PG_DIR/data/postmaster.pid")")
  DB_LINE="PostgreSQL (private cluster, fsync on, synchronous_commit on)"
else
  export RESCUEDESK__DATABASE__URL="sqlite://$WORK/rd.sqlite3"
  DB_LINE="SQLite WAL synchronous=FULL"
fi

PORT=$(free_port)
GATEWAY=$(free_port)
RESCUEDESK__DEMO__PAST=false RESCUEDESK__TIMER__WORKER=false \
  RESCUEDESK__SMS__PROVIDER=webhook RESCUEDESK__SMS__WEBHOOK_URL="http://127.0.0.1:$GATEWAY/sms" \
  RESCUEDESK__SMS__WEBHOOK_SECRET=bench-secret \
  "$BIN" --log-format json demo --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
log "server pid $SERVER_PID on $PORT, gateway on $GATEWAY; $RATE/s for ${DURATION}s, then $DRAIN at once"
# The driver waits for the server itself; its own log lines stay out of the table.
RUST_LOG=warn "$DRIVER" drive messages --base "http://127.0.0.1:$PORT" --gateway-port "$GATEWAY" \
  --rate "$RATE" --seconds "$DURATION" --drain "$DRAIN" --server-pid "$SERVER_PID" "${PM_ARGS[@]}" \
  >"$WORK/drive.txt" 2>"$WORK/drive.err" || { log "driver failed"; cat "$WORK/drive.err" >&2; exit 1; }
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
echo
echo "$DB_LINE, $(nproc) cores, server $(basename "$BIN") (timer off: only the outbox worker delivers)"
grep -v '^RESULT' "$WORK/drive.txt"
echo "server peak RSS: $((RSS_KB / 1024)) MB"
