#!/usr/bin/env bash
# scripts/bench-intake.sh — intake throughput against its ceiling, in one run (issue 14, benchmark 1).
#
# Builds the release binary, starts `rescuedesk demo` on a throw-away SQLite file (WAL,
# synchronous=FULL: the shipped durability), and drives POST /api/v1/tickets with wrk on
# loopback: 32 connections over nine dealers' agents, 32 for one dealer, and 1 connection, each
# for DURATION seconds, with group commit on
# ([database] group_commit_max, default 64) and off (1). The ceiling is measured in the same run
# on the same disk: raw single-row INSERT transactions, one commit each, same journal mode and
# durability, by Python's sqlite3 (the C library, no server in the way). Prints one table with
# tickets/s, p50, p99, errors, the ratio to the ceiling, the CPU time (server + database) per
# ticket with the rate the machine's cores could carry at that cost, and the server's peak RSS.
#
# Usage: scripts/bench-intake.sh            (DURATION=20 by default; DURATION=5 for a quick look)
#        BACKEND=postgres scripts/bench-intake.sh
#        RESCUEDESK_BIN=/path/to/rescuedesk scripts/bench-intake.sh   (no build: time that binary)
#   PostgreSQL: a private cluster from scripts/pg.sh (fsync and synchronous_commit on, the
#   defaults); the ceiling is pgbench running one-row INSERT transactions, at 1 client and at 32
#   (PostgreSQL groups concurrent commits into one WAL flush by itself, so the 32-client ceiling
#   is the fair one for 32 connections). Group commit is SQLite's, so PostgreSQL runs once.
# Needs wrk (installed with apt-get when missing and root).
set -euo pipefail

log() { echo "[bench-intake] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-20}
BACKEND=${BACKEND:-sqlite}
cd "$REPO"

if ! command -v wrk >/dev/null 2>&1; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; }
  else
    log "ERROR: wrk is missing (apt-get install wrk)"; exit 1
  fi
fi

# RESCUEDESK_BIN: a binary built elsewhere (an earlier commit, for a before-and-after).
if [[ -n "${RESCUEDESK_BIN:-}" ]]; then
  BIN=$RESCUEDESK_BIN
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
fi
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rescuedesk-bench-intake.XXXXXX")
SERVER_PID=
PG_DIR=
cleanup() {
  [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [[ -n "$PG_DIR" ]] && { bash "$REPO/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- the ceiling: one-row transactions, each committed, on this disk
ceiling() {
  python3 - "$WORK/ceiling.sqlite3" "$DURATION" <<'PY'
import sqlite3, sys, time
path, seconds = sys.argv[1], float(sys.argv[2])
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
n, end = 0, time.monotonic() + seconds
payload = "x" * 600  # about the size of an intake's rows
while time.monotonic() < end:
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO t (payload) VALUES (?)", (payload,))
    db.execute("COMMIT")
    n += 1
print(f"{n / seconds:.0f}")
PY
}

# PostgreSQL's ceiling: pgbench, one-row INSERT transactions, at $1 clients.
pg_ceiling() {
  local clients=$1
  psql -q "$PG_URL" -c "DROP TABLE IF EXISTS ceiling; CREATE TABLE ceiling (id bigserial PRIMARY KEY, payload text NOT NULL)" >/dev/null
  printf 'INSERT INTO ceiling (payload) VALUES (repeat(%s, 600));\n' "'x'" >"$WORK/ceiling.sql"
  pgbench -n -c "$clients" -j "$((clients < 2 ? 1 : 2))" -T "$DURATION" -f "$WORK/ceiling.sql" "$PG_URL" 2>/dev/null |
    awk '/^tps/ {printf "%.0f\n", $3}'
}

# ---- the server, with a given group commit size
start_server() {
  local max=$1
  PORT=$(free_port)
  if [[ $BACKEND == postgres ]]; then
    psql -q "$PG_URL" -c "DROP DATABASE IF EXISTS bench_app" -c "CREATE DATABASE bench_app" >/dev/null
    export RESCUEDESK__DATABASE__URL="${PG_URL%/*}/bench_app"
  else
    rm -f "$WORK"/rd.sqlite3*
    export RESCUEDESK__DATABASE__URL="sqlite://$WORK/rd.sqlite3"
  fi
  RESCUEDESK__DATABASE__GROUP_COMMIT_MAX=$max RESCUEDESK__DEMO__PAST=false \
    "$BIN" --log-format json demo --port "$PORT" >"$WORK/server-$max.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { log "server did not start"; cat "$WORK/server-$max.log" >&2; exit 1; }
  TOKEN=$("$BIN" token create --user hz.agent --label bench 2>/dev/null | tail -n 1)
  TOKENS=$TOKEN
  for d in nb hz2 wz sx jx huz jh tz; do
    TOKENS+=,$("$BIN" token create --user "$d.agent" --label bench 2>/dev/null | tail -n 1)
  done
}

stop_server() {
  RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

# Each request takes the next token of $TOKENS (one agent per dealer: the numbers of one dealer's
# day are taken one after the other, so one dealer alone measures that row, not the intake) and
# the next plate (a car has few rescues; one plate for all would make the open-ticket warning read
# every ticket of the run).
cat >"$WORK/intake.lua" <<'LUA'
local tokens = {}
for t in string.gmatch(os.getenv("TOKENS"), "[^,]+") do tokens[#tokens + 1] = t end
local n = math.random(0, 99999)
request = function()
  n = n + 1
  local body = string.format('{"customer_name":"王建国","phone":"13812345678","location":{"address":"杭州市西湖区文三路 90 号","lat":30.2741,"lon":120.1551,"crs":"gcj02"},"plate":"浙A%05d","model":"朗逸 1.5L","mileage_km":56000,"fault":"高速上熄火后无法启动，仪表盘电瓶灯亮","repaired_elsewhere":false,"response_level":2}', n % 100000)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]}, body)
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
LUA

# CPU seconds (user + system, in clock ticks) the server and the database have used so far: the
# server process, and on PostgreSQL the postmaster and its children (the backends live as long as
# the pool's connections, so none is lost between two readings).
# Prints "server database".
cpu_ticks() {
  local pids=() pm
  if [[ -n "$PG_DIR" ]]; then
    pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
    pids=("$pm" $(pgrep -P "$pm" || true))
  fi
  echo "$(ticks_of "$SERVER_PID") $(ticks_of "${pids[@]}")"
}

ticks_of() {
  local total=0 pid f
  for pid in "$@"; do
    f=$(cut -d' ' -f14,15 "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + ${f% *} + ${f#* }))
  done
  echo "$total"
}

# run_wrk CONNECTIONS DEALERS: the intakes spread over the first DEALERS agents' dealers. Prints
# tickets/s, p50, p99, errors and the CPU milliseconds (server + database) per ticket.
run_wrk() {
  local conns=$1 dealers=$2 threads=$((conns < 2 ? 1 : 2)) s0 d0 s1 d1 result
  read -r s0 d0 < <(cpu_ticks)
  result=$(run_wrk_only "$conns" "$dealers" "$threads")
  read -r s1 d1 < <(cpu_ticks)
  read -r rps _ <<<"$result"
  echo "$result $(python3 -c "
n, hz = max(1, $rps * $DURATION), $(getconf CLK_TCK)
print(f'{($s1 - $s0 + $d1 - $d0) * 1000 / hz / n:.2f} {($s1 - $s0) * 1000 / hz / n:.2f}')")"
}

run_wrk_only() {
  local conns=$1 dealers=$2 threads=$3
  TOKENS=$(cut -d, -f"1-$dealers" <<<"$TOKENS") wrk -t"$threads" -c"$conns" -d"${DURATION}s" -s "$WORK/intake.lua" \
    "http://127.0.0.1:$PORT/api/v1/tickets" | awk '/^RESULT/ {print $2, $3, $4, $5}'
}

rows=()
if [[ $BACKEND == postgres ]]; then
  # Under /tmp: the cluster runs as the postgres user, which must reach its directory.
  PG_DIR=$(mktemp -d /tmp/rescuedesk-bench-pg.XXXXXX)
  PG_URL=$(bash "$REPO/scripts/pg.sh" start "$PG_DIR")
  # scripts/pg.sh runs the test cluster without flushing; a benchmark keeps the shipped durability.
  psql -q "$PG_URL" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
  sleep 1
  [[ $(psql -Atq "$PG_URL" -c "SHOW fsync")/$(psql -Atq "$PG_URL" -c "SHOW synchronous_commit") == on/on ]] ||
    { log "ERROR: could not turn fsync and synchronous_commit on"; exit 1; }
  log "ceiling: pgbench one-row INSERT transactions, 1 and 32 clients, ${DURATION}s each"
  CEIL1=$(pg_ceiling 1)
  CEIL=$(pg_ceiling 32)
  MAXES=(64)
  DB_LINE="PostgreSQL (private cluster, fsync on, synchronous_commit on)"
  CEIL_LINE="ceiling (pgbench one-row INSERT transactions): $CEIL1 commits/s at 1 client, $CEIL at 32 (ratios against 32)"
else
  log "ceiling: one-row commits for ${DURATION}s"
  CEIL=$(ceiling)
  MAXES=(64 1)
  DB_LINE="SQLite WAL synchronous=FULL"
  CEIL_LINE="ceiling (raw one-row commits, same disk, same durability): $CEIL commits/s"
fi
for max in "${MAXES[@]}"; do
  start_server "$max"
  for run in "32 9" "32 1" "1 1"; do
    read -r conns dealers <<<"$run"
    log "group_commit_max=$max, $conns connection(s), $dealers dealer(s), ${DURATION}s"
    read -r rps p50 p99 errors cpu server_cpu < <(run_wrk "$conns" "$dealers")
    rows+=("$max|$conns|$dealers|$rps|$p50|$p99|$errors|$cpu|$server_cpu")
  done
  stop_server
  rows+=("rss|$max|$RSS_KB")
done

echo
echo "intake, POST /api/v1/tickets, $DB_LINE, ${DURATION}s each, $(nproc) cores"
echo "$CEIL_LINE"
printf '%-18s %6s %8s %10s %8s %8s %7s %10s %8s %11s %10s\n' "group commit" conns dealers "tickets/s" "p50 ms" "p99 ms" errors "× ceiling" "CPU ms" "of it server" "CPU bound"
for r in "${rows[@]}"; do
  IFS='|' read -r a b c d e f g h i <<<"$r"
  label="max $a"
  [[ $a == rss ]] && label="max $b"
  [[ $BACKEND == postgres ]] && label="n/a (PostgreSQL)"
  if [[ $a == rss ]]; then
    printf '%-18s peak RSS %s MB\n' "$label" "$((c / 1024))"
  else
    printf '%-18s %6s %8s %10s %8s %8s %7s %10s %8s %11s %10s\n' "$label" "$b" "$c" "$d" "$e" "$f" "$g" \
      "$(python3 -c "print(f'{$d / $CEIL:.2f}')")" "$h" "$i" "$(python3 -c "print(f'{$(nproc) * 1000 / max($h, 0.001):.0f}')")"
  fi
done
echo "CPU ms: server + database CPU time per ticket; CPU bound: the tickets/s $(nproc) cores could carry at that cost"
