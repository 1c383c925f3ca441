#!/usr/bin/env bash
# scripts/pg.sh — a private, throw-away PostgreSQL cluster on loopback, for tests.
#
#   scripts/pg.sh start DIR   initdb into DIR (if not yet), start on a random free
#                             port on 127.0.0.1 (unix socket inside DIR), create the
#                             database `rescuedesk_test`, and print ONLY its URL:
#                               postgres://postgres@127.0.0.1:PORT/rescuedesk_test
#   scripts/pg.sh stop DIR    stop it (no error if it is not running or DIR is gone)
#   scripts/pg.sh url DIR     print the URL of a running cluster in DIR
#
# Everything except the URL goes to stderr, so `URL=$(scripts/pg.sh start "$d")` works.
# Auth is `trust` and it listens on 127.0.0.1 only; fsync is off: data does not
# survive a crash, which is the point. Several clusters (different DIRs) can run
# at once. As root, initdb/pg_ctl run as the `postgres` user (initdb refuses
# root) and DIR is chowned to it. Server binaries: $PG_BINDIR, else
# `pg_config --bindir`, else the highest /usr/lib/postgresql/*/bin.
#
# Exit codes: 0 ok, 2 usage, 3 no PostgreSQL server binaries installed, 1 other.
set -euo pipefail

log() { echo "[pg.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() {
  echo "usage: $0 start DIR | stop DIR | url DIR" >&2
  exit 2
}

DBNAME=rescuedesk_test

find_bindir() {
  local d
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] && { echo "$PG_BINDIR"; return 0; }
    log "PG_BINDIR=$PG_BINDIR has no initdb/pg_ctl; looking elsewhere"
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      echo "$d"; return 0
    fi
  fi
  # Highest version first (sort -V handles 9.6 < 10 < 15).
  for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      echo "$d"; return 0
    fi
  done
  return 1
}

# Runs a PostgreSQL server command as the cluster owner: `postgres` when we are root.
as_owner() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    # Fallback: random high ports until one is not accepting connections.
    local p _
    for _ in $(seq 1 100); do
      p=$(( 20000 + RANDOM % 40000 ))
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
  fi
}

cluster_running() {
  # pg_ctl status: 0 running, 3 not running, 4 no data dir.
  [[ -f "$DATA/PG_VERSION" ]] && as_owner "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

url_for_port() { echo "postgres://postgres@127.0.0.1:$1/$DBNAME"; }

[[ $# -eq 2 ]] || usage
CMD=$1
DIR=$2
[[ -n "$DIR" ]] || usage

case "$CMD" in
  start | stop | url) ;;
  *) usage ;;
esac

if ! BINDIR=$(find_bindir); then
  if [[ "$CMD" == stop ]]; then
    log "no PostgreSQL server binaries; nothing to stop in $DIR"
    exit 0
  fi
  log "ERROR: no PostgreSQL server binaries found (looked at \$PG_BINDIR, \`pg_config --bindir\`, /usr/lib/postgresql/*/bin)."
  log "       Install them, e.g. on Debian: apt-get install -y --no-install-recommends postgresql"
  exit 3
fi

DIR=$(realpath -m -- "$DIR")
DATA="$DIR/data"
SOCK="$DIR/sock"
LOGFILE="$DIR/postgres.log"
PORTFILE="$DIR/port"

case "$CMD" in
  stop)
    if [[ ! -d "$DATA" ]]; then
      log "no cluster in $DIR; nothing to stop"
      exit 0
    fi
    if cluster_running; then
      log "stopping cluster in $DIR"
      as_owner "$BINDIR/pg_ctl" stop -D "$DATA" -m fast -w -t 30 >&2 ||
        as_owner "$BINDIR/pg_ctl" stop -D "$DATA" -m immediate -w -t 30 >&2 ||
        die "could not stop the cluster in $DIR (log: $LOGFILE)"
    else
      log "cluster in $DIR is not running"
    fi
    exit 0
    ;;
  url)
    cluster_running || die "no running cluster in $DIR"
    url_for_port "$(cat "$PORTFILE")"
    exit 0
    ;;
esac

# ---- start ----
mkdir -p "$DIR"
# A unix socket path is limited to 107 bytes; ".s.PGSQL.NNNNN" adds 15.
(( ${#SOCK} <= 90 )) || die "DIR path too long for a unix socket: $SOCK (use a shorter DIR, e.g. under /tmp)"

if [[ $EUID -eq 0 ]]; then
  chown postgres:postgres "$DIR"
  chmod 700 "$DIR"
  runuser -u postgres -- test -w "$DIR" ||
    die "user postgres cannot reach $DIR (a parent directory is not traversable); use a DIR under /tmp"
fi

if cluster_running; then
  log "cluster in $DIR is already running"
  url_for_port "$(cat "$PORTFILE")"
  exit 0
fi

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  [[ -e "$DATA" ]] && rm -rf "$DATA"
  as_owner mkdir -p "$SOCK"
  initdb_args=(-D "$DATA" -A trust -U postgres -E UTF8 --locale=C.UTF-8)
  initdb_help=$(as_owner "$BINDIR/initdb" --help 2>/dev/null || true)
  if [[ "$initdb_help" == *--no-sync* ]]; then
    initdb_args+=(--no-sync)
  fi
  log "initdb ($("$BINDIR/postgres" --version)) in $DATA"
  if ! as_owner "$BINDIR/initdb" "${initdb_args[@]}" >"$DIR/initdb.log" 2>&1; then
    # Some builds lack the C.UTF-8 locale; retry with plain C.
    rm -rf "$DATA"
    initdb_args=("${initdb_args[@]/--locale=C.UTF-8/--locale=C}")
    as_owner "$BINDIR/initdb" "${initdb_args[@]}" >"$DIR/initdb.log" 2>&1 || {
      tail -n 30 "$DIR/initdb.log" >&2
      die "initdb failed (log: $DIR/initdb.log)"
    }
  fi
  # Test-only settings: loopback only, socket inside DIR, durability off.
  as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# --- added by scripts/pg.sh: throw-away test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
else
  as_owner mkdir -p "$SOCK"
fi

# The port is picked here and may be taken by someone else before the server
# binds it (two clusters started at once): retry with a new port.
started=
for attempt in 1 2 3 4 5; do
  PORT=$(free_port) || die "could not find a free port"
  log "starting on 127.0.0.1:$PORT (attempt $attempt)"
  if as_owner "$BINDIR/pg_ctl" start -D "$DATA" -l "$LOGFILE" -w -t 60 -o "-p $PORT" >&2; then
    started=1
    break
  fi
  log "start failed; log tail:"
  tail -n 10 "$LOGFILE" >&2 || true
  as_owner "$BINDIR/pg_ctl" stop -D "$DATA" -m immediate -w >/dev/null 2>&1 || true
done
[[ -n "$started" ]] || die "could not start PostgreSQL (log: $LOGFILE)"
echo "$PORT" | as_owner tee "$PORTFILE" >/dev/null

exists=$(as_owner "$BINDIR/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -XAtqc \
  "select 1 from pg_database where datname = '$DBNAME'") || die "psql could not connect to 127.0.0.1:$PORT"
if [[ "$exists" == 1 ]]; then
  log "database $DBNAME exists"
else
  as_owner "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DBNAME" >&2 ||
    die "createdb $DBNAME failed"
fi
log "ready: $(url_for_port "$PORT")"
url_for_port "$PORT"
