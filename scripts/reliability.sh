#!/usr/bin/env bash
# scripts/reliability.sh — every proof of issue 15 in one run, and its figures (nothing lost,
# nothing let in):
#
#   1. The Rust tests that prove a rule, on SQLite and PostgreSQL: hostile input (every JSON
#      operation × role × broken body) and the memory bound of oversized bodies, every endpoint and
#      page action as every caller (endpoint_roles), the sister dealer's view, sessions and
#      tokens, secrets never in the logs, the append-only audit trail, backups under load, three
#      nodes on one PostgreSQL.
#   2. The crash loop (scripts/crash-loop.sh), CRASH_CYCLES (10) kill -9 cycles on each database.
#   3. Fuzzing (scripts/fuzz.sh), FUZZ_SECONDS (30) per target; SKIP_FUZZ=1 leaves it out.
#   4. API conformance (scripts/conformance.sh): schemathesis against the OpenAPI document.
#
# Each part's own lines are printed as they come; the table at the end gathers the figures.
# Exits 1 if any part failed. PostgreSQL: TEST_DATABASE_URL if set, else a private cluster from
# scripts/pg.sh (stopped on exit). 334 s on 2 cores with every build warm; the fuzz build after
# a change to the crate adds about 11 minutes (see scripts/fuzz.sh).
#
# Usage: scripts/reliability.sh
#        CRASH_CYCLES=30 FUZZ_SECONDS=300 scripts/reliability.sh
set -uo pipefail

log() { echo "[reliability] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
START=$SECONDS
OUT=$(mktemp -d "${TMPDIR:-/tmp}/rescuedesk-reliability.XXXXXX")
PG_DIR=
cleanup() {
  [[ -n "$PG_DIR" ]] && { bash "$REPO/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
  rm -rf "$OUT"
}
trap cleanup EXIT

if [[ -z "${TEST_DATABASE_URL:-}" ]]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rescuedesk-pg.XXXXXX")
  TEST_DATABASE_URL=$(bash scripts/pg.sh start "$PG_DIR") ||
    { log "ERROR: no PostgreSQL (scripts/pg.sh); install its server binaries or set TEST_DATABASE_URL"; exit 1; }
fi
export TEST_DATABASE_URL

declare -A verdict
# Runs one part, its output to the screen and to $OUT/NAME.
part() {
  local name=$1
  shift
  log "==> $name (at $((SECONDS - START)) s)"
  if "$@" 2>&1 | tee "$OUT/$name"; then
    verdict[$name]=passed
  else
    verdict[$name]=FAILED
  fi
}

# ---- 1. the Rust tests with figures (the test binary's figure lines start with [figures])
TESTS=(hostile_input endpoint_roles sourcing::a_sister_dealer_sees sessions:: secrets::
  the_audit_trail_cannot_be_changed backup:: nodes::)
part tests cargo test --test api -- "${TESTS[@]}" --nocapture --test-threads=2

# ---- 2. crash loop on each database (the release binary the tests just built)
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
for backend in sqlite postgres; do
  BACKEND=$backend RESCUEDESK_BIN=$BIN part "crash-$backend" bash scripts/crash-loop.sh "${CRASH_CYCLES:-10}"
done

# ---- 3. fuzzing
if [[ "${SKIP_FUZZ:-}" == 1 ]]; then
  verdict[fuzz]="SKIPPED (SKIP_FUZZ=1)"
  : >"$OUT/fuzz"
else
  FUZZ_SECONDS=${FUZZ_SECONDS:-30} part fuzz bash scripts/fuzz.sh
fi

# ---- 4. OpenAPI conformance
RESCUEDESK_BIN=$BIN part conformance bash scripts/conformance.sh

# ---- the figures
echo
echo "reliability, $(date -u +%F) on $(nproc) cores, in $((SECONDS - START)) s"
printf '%-15s %-8s %s\n' part verdict figures
row() { printf '%-15s %-8s %s\n' "$1" "$2" "$3"; }
tests_line=$(grep -E '^test result:' "$OUT/tests" | tail -n 1)
row tests "${verdict[tests]}" "${tests_line#test result: }"
grep -F '[figures]' "$OUT/tests" | sed 's/^\[figures\] /                          · /' | sort -u
for backend in sqlite postgres; do
  row "crash-$backend" "${verdict[crash-$backend]}" "$(grep -E '^crash loop' "$OUT/crash-$backend" | head -n 1)"
  row "" "" "$(grep -E '^losses' "$OUT/crash-$backend" | head -n 1)"
done
row fuzz "${verdict[fuzz]}" "$(grep -E '^total' "$OUT/fuzz" | awk '{print $2 " executions, 0 crashes"}')"
row conformance "${verdict[conformance]}" "$(awk '/^hz\./ {r++; o=$2; c+=$3; f+=$4; e+=$5}
  END {print r " roles × " o " operations, " c " cases, " f " failures, " e " errors"}' "$OUT/conformance")"

for v in "${verdict[@]}"; do
  [[ $v == FAILED ]] && { log "FAILED: a part above did not pass"; exit 1; }
done
log "all parts passed in $((SECONDS - START)) s"
