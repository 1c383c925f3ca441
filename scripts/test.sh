#!/usr/bin/env bash
# scripts/test.sh — THE test command: everything RescueDesk's tests need, in one go.
#
#   1. PostgreSQL: uses $TEST_DATABASE_URL if set; else starts a private
#      throw-away cluster with scripts/pg.sh (stopped again on exit). Without
#      PostgreSQL server binaries: with CI=true it installs them with apt-get
#      (and fails if it cannot); otherwise it warns loudly and skips the
#      PostgreSQL leg. The Rust tests create a fresh database per test from
#      $TEST_DATABASE_URL.
#   2. Python's aiosmtpd, the real SMTP server the e-mail tests start
#      (scripts/smtp-test-server.py): installed with pip if missing, else with
#      apt-get (Debian python3-aiosmtpd, as root). Without it the e-mail tests
#      fail under CI and are skipped loudly elsewhere.
#   3. cargo test --all-targets, with this script's arguments passed on
#      (e.g. scripts/test.sh -- --nocapture).
#   4. Browser tests: scripts/e2e.sh, unless SKIP_E2E=1.
#   5. Crash loop: scripts/crash-loop.sh with the browser tests' release build,
#      CRASH_CYCLES (5) kill -9 cycles on SQLite and on PostgreSQL, unless
#      SKIP_E2E=1 or SKIP_CRASH=1.
#   6. API conformance: scripts/conformance.sh (schemathesis, installed into a venv under
#      ~/.cache from PyPI) with the debug binary step 3 built, unless SKIP_CONFORMANCE=1.
#
# Environment: TEST_DATABASE_URL, CI, SKIP_E2E, SKIP_CRASH, CRASH_CYCLES, SKIP_CONFORMANCE,
# RESCUEDESK_TEST_PYTHON (the Python the e-mail tests run; default python3).
set -euo pipefail

log() { echo "[test.sh] $*" >&2; }
loud() {
  local line
  echo "[test.sh] ****************************************************************" >&2
  for line in "$@"; do echo "[test.sh] ***  $line" >&2; done
  echo "[test.sh] ****************************************************************" >&2
}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
START=$SECONDS
CI=${CI:-}

PG_DIR=
PG_LEG="not started"
SMTP_LEG="not checked"
CARGO_LEG="not run"
E2E_LEG="not run"
CRASH_LEG="not run"
CONFORMANCE_LEG="not run"

finish() {
  local rc=$?
  if [[ -n "$PG_DIR" ]]; then
    bash "$REPO/scripts/pg.sh" stop "$PG_DIR" || log "WARNING: could not stop PostgreSQL in $PG_DIR"
    rm -rf "$PG_DIR"
  fi
  local verdict=PASSED
  ((rc == 0)) || verdict="FAILED (exit $rc)"
  log "SUMMARY: $verdict in $((SECONDS - START)) s — postgres: $PG_LEG; smtp server: $SMTP_LEG; cargo test: $CARGO_LEG; browser tests: $E2E_LEG; crash loop: $CRASH_LEG; API conformance: $CONFORMANCE_LEG"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. PostgreSQL
start_private_pg() {
  # Sets TEST_DATABASE_URL; returns pg.sh's exit code (3: no server binaries).
  local url rc=0
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rescuedesk-pg.XXXXXX")
  url=$(bash "$REPO/scripts/pg.sh" start "$PG_DIR") || rc=$?
  if ((rc != 0)); then
    rm -rf "$PG_DIR"
    PG_DIR=
    return "$rc"
  fi
  TEST_DATABASE_URL=$url
}

if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  log "PostgreSQL: using the given TEST_DATABASE_URL"
  PG_LEG="given TEST_DATABASE_URL"
else
  rc=0
  start_private_pg || rc=$?
  if ((rc == 3)) && [[ "$CI" == true ]]; then
    log "CI: no PostgreSQL server binaries; installing them with apt-get"
    if [[ $EUID -ne 0 ]]; then
      log "ERROR: not root, cannot apt-get install postgresql"
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends postgresql >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends postgresql >&2; } ||
      { log "ERROR: apt-get install postgresql failed"; exit 1; }
    rc=0
    start_private_pg || rc=$?
  fi
  if ((rc == 0)); then
    PG_LEG="ran (private cluster ${TEST_DATABASE_URL##*@})"
  elif ((rc == 3)) && [[ "$CI" != true ]]; then
    loud "PostgreSQL server binaries are NOT installed." \
      "The PostgreSQL leg of the tests is SKIPPED: only SQLite is tested." \
      "Install them (Debian: apt-get install postgresql) or set TEST_DATABASE_URL." \
      "CI (CI=true) installs them itself and fails without them."
    PG_LEG="SKIPPED (no server binaries)"
    unset TEST_DATABASE_URL
  else
    log "ERROR: could not start a PostgreSQL cluster (scripts/pg.sh exit $rc)"
    PG_LEG="FAILED to start"
    exit 1
  fi
fi
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  export TEST_DATABASE_URL
  log "TEST_DATABASE_URL=$TEST_DATABASE_URL"
fi

# ---- 2. aiosmtpd for the e-mail tests
PY=${RESCUEDESK_TEST_PYTHON:-python3}
has_aiosmtpd() { "$1" -c 'import aiosmtpd' 2>/dev/null; }
if has_aiosmtpd "$PY"; then
  SMTP_LEG="aiosmtpd present"
else
  log "Python's aiosmtpd is not installed; installing it for the e-mail tests"
  if "$PY" -m pip install --quiet --disable-pip-version-check aiosmtpd >&2 && has_aiosmtpd "$PY"; then
    SMTP_LEG="aiosmtpd installed with pip"
  elif [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends python3-aiosmtpd >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends python3-aiosmtpd >&2; } ||
      log "WARNING: apt-get install python3-aiosmtpd failed"
    # Debian's package serves Debian's Python, which may not be the first python3 on PATH.
    if ! has_aiosmtpd "$PY" && has_aiosmtpd /usr/bin/python3; then
      PY=/usr/bin/python3
    fi
    if has_aiosmtpd "$PY"; then
      SMTP_LEG="aiosmtpd installed with apt-get ($PY)"
    fi
  fi
fi
if has_aiosmtpd "$PY"; then
  export RESCUEDESK_TEST_PYTHON=$PY
elif [[ "$CI" == true ]]; then
  log "ERROR: could not install Python's aiosmtpd; the e-mail tests need it"
  SMTP_LEG="FAILED to install aiosmtpd"
  exit 1
else
  loud "Python's aiosmtpd could NOT be installed." \
    "The SMTP e-mail tests are SKIPPED." \
    "Install it (pip install aiosmtpd, or apt-get install python3-aiosmtpd)." \
    "CI (CI=true) fails without it."
  SMTP_LEG="SKIPPED (no aiosmtpd)"
fi

# ---- 3. cargo test
log "cargo test --all-targets $*"
t0=$SECONDS
CARGO_LEG="FAILED"
cargo test --all-targets "$@"
CARGO_LEG="passed ($((SECONDS - t0)) s)"

# ---- 4. browser tests
if [[ "${SKIP_E2E:-}" == 1 ]]; then
  loud "SKIP_E2E=1: the browser tests (scripts/e2e.sh) are SKIPPED."
  E2E_LEG="SKIPPED (SKIP_E2E=1)"
else
  t0=$SECONDS
  E2E_LEG="FAILED"
  bash "$REPO/scripts/e2e.sh"
  E2E_LEG="passed ($((SECONDS - t0)) s)"
fi

# ---- 5. crash loop (the browser tests built the release binary)
if [[ "${SKIP_E2E:-}" == 1 || "${SKIP_CRASH:-}" == 1 ]]; then
  CRASH_LEG="SKIPPED"
else
  t0=$SECONDS
  CRASH_LEG="FAILED"
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
  backends=(sqlite)
  [[ $PG_LEG == SKIPPED* ]] || backends+=(postgres)
  for backend in "${backends[@]}"; do
    BACKEND=$backend RESCUEDESK_BIN=$BIN bash "$REPO/scripts/crash-loop.sh" "${CRASH_CYCLES:-5}"
  done
  CRASH_LEG="passed (${backends[*]}, $((SECONDS - t0)) s)"
fi

# ---- 6. API conformance: schemathesis against the OpenAPI document (the debug binary the Rust
# tests built: no release build needed)
if [[ "${SKIP_CONFORMANCE:-}" == 1 ]]; then
  loud "SKIP_CONFORMANCE=1: the API conformance run (scripts/conformance.sh) is SKIPPED."
  CONFORMANCE_LEG="SKIPPED (SKIP_CONFORMANCE=1)"
else
  t0=$SECONDS
  CONFORMANCE_LEG="FAILED"
  RESCUEDESK_BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/rescuedesk" bash "$REPO/scripts/conformance.sh"
  CONFORMANCE_LEG="passed ($((SECONDS - t0)) s)"
fi
