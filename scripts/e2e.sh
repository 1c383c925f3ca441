#!/usr/bin/env bash
# scripts/e2e.sh — RescueDesk's browser tests (tests/e2e/*.test.mjs).
#
# Installs what they need if missing (Debian's chromium and a CJK font, as
# root; playwright-core from tests/e2e/package-lock.json), builds the release
# binary, starts `rescuedesk demo` on a free loopback port in a fresh temp
# working directory, waits for /healthz, runs `node --test` against it with
# BASE_URL set, and stops the server on exit. Screenshots land in
# tests/e2e/artifacts/ (gitignored). Extra arguments go to `node --test`,
# e.g. scripts/e2e.sh --test-name-pattern=roles
#
# Environment: CHROMIUM_PATH (default /usr/bin/chromium), KEEP_E2E_TMP=1 keeps
# the server's temp dir, E2E_SKIP_BUILD=1 uses the existing release binary.
set -euo pipefail

log() { echo "[e2e.sh] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E_DIR="$REPO/tests/e2e"
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
START=$SECONDS

apt_install() {
  # An apt-get install that works on a machine whose package lists are stale or empty.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" ||
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"; }
}

# ---- Chromium (and a font for Chinese text, or pages and screenshots show boxes)
need=()
[[ -x "$CHROMIUM_PATH" ]] || need+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [[ -z "$(fc-list :lang=zh 2>/dev/null)" ]]; then
  need+=(fonts-wqy-microhei)
fi
if ((${#need[@]})); then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${need[*]} with apt-get"
    apt_install "${need[@]}" >&2
  elif [[ " ${need[*]} " == *" chromium "* ]]; then
    die "$CHROMIUM_PATH is missing and I am not root: run 'sudo apt-get install -y --no-install-recommends chromium fonts-wqy-microhei' (or set CHROMIUM_PATH)"
  else
    log "WARNING: no CJK font installed; Chinese text in screenshots will show as boxes (apt-get install fonts-wqy-microhei)"
  fi
fi
[[ -x "$CHROMIUM_PATH" ]] || die "no Chromium at $CHROMIUM_PATH"
log "browser: $("$CHROMIUM_PATH" --version 2>/dev/null | head -n 1)"

# ---- playwright-core
command -v node >/dev/null 2>&1 || die "node is not installed"
log "node $(node --version), npm $(npm --version 2>/dev/null)"
(
  cd "$E2E_DIR"
  if [[ -f package-lock.json ]]; then
    log "npm ci in tests/e2e"
    npm ci --no-audit --no-fund >&2
  else
    log "npm install in tests/e2e (no package-lock.json)"
    npm install --no-audit --no-fund >&2
  fi
)

# ---- the server
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
if [[ "${E2E_SKIP_BUILD:-}" == 1 && -x "$BIN" ]]; then
  log "E2E_SKIP_BUILD=1: using $BIN as it is"
else
  log "cargo build --release"
  t0=$SECONDS
  (cd "$REPO" && cargo build --release --bin rescuedesk) >&2
  log "release build took $((SECONDS - t0)) s"
fi
[[ -x "$BIN" ]] || die "no binary at $BIN"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rescuedesk-e2e.XXXXXX")
SERVER_LOG="$WORK/server.log"
SERVER_PID=
OK=

show_log_tail() {
  if [[ -f "$SERVER_LOG" ]]; then
    log "---- last 60 lines of the server log ($SERVER_LOG) ----"
    tail -n 60 "$SERVER_LOG" >&2 || true
    log "---- end of server log ----"
  fi
}

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    log "stopping the server (pid $SERVER_PID)"
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -z "$OK" ]]; then
    show_log_tail
    log "FAILED after $((SECONDS - START)) s; server dir kept: $WORK; screenshots: $E2E_DIR/artifacts/"
  elif [[ "${KEEP_E2E_TMP:-}" == 1 ]]; then
    log "server dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(free_port)
BASE_URL="http://127.0.0.1:$PORT"
log "starting '$BIN demo --bind 127.0.0.1 --port $PORT' in $WORK"
cd "$WORK"
"$BIN" demo --bind 127.0.0.1 --port "$PORT" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
cd "$REPO"

http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
  else
    python3 - "$1" <<'PY' 2>/dev/null || true
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=2).status)
except Exception as e:
    print(getattr(e, "code", 0))
PY
  fi
}

log "waiting for $BASE_URL/healthz"
deadline=$((SECONDS + 60))
until [[ "$(http_status "$BASE_URL/healthz")" == 200 ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before answering /healthz"
  ((SECONDS < deadline)) || die "no 200 from $BASE_URL/healthz within 60 s"
  sleep 0.2
done
log "server up after $((SECONDS - START)) s in all"

# ---- the tests
mkdir -p "$E2E_DIR/artifacts"
log "node --test --test-concurrency=1 tests/e2e/ (BASE_URL=$BASE_URL)"
t0=$SECONDS
if ! BASE_URL="$BASE_URL" node --test --test-concurrency=1 "$@" tests/e2e/; then
  die "browser tests failed ($((SECONDS - t0)) s)"
fi
OK=1
log "browser tests passed in $((SECONDS - t0)) s ($((SECONDS - START)) s in all); screenshots in tests/e2e/artifacts/"
