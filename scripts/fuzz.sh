#!/usr/bin/env bash
# scripts/fuzz.sh — fuzz every parser of outside input for a fixed time each (issue 15).
#
# The targets (fuzz/fuzz_targets/): `fields` (phone, plate, VIN, search, text, money, rota
# cells), `coordinates` (any two numbers in any system name), `csv_import` (any bytes as each
# DMS import kind, every row parsed), `link_codes` (any code against the signer; hiding codes in
# logs), `sms_answers` (any provider code, message and HTTP status), `pasted_area` (any text
# pasted as a suspension's points, centre and radius). Each runs with libFuzzer and
# AddressSanitizer on nightly Rust (`cargo fuzz`, installed with `cargo install` when missing)
# for FUZZ_SECONDS (60 by default); a panic or a sanitizer report fails the run and leaves the
# input under fuzz/artifacts/. Prints executions per target and the total.
#
# Usage: scripts/fuzz.sh [TARGET...]         (all targets by default)
#        FUZZ_SECONDS=300 scripts/fuzz.sh csv_import
# The fuzz build goes to FUZZ_TARGET_DIR (default /var/cache/rescuedesk-fuzz when that folder
# exists, else fuzz/target), apart from the project's.
set -euo pipefail

log() { echo "[fuzz] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_EACH=${FUZZ_SECONDS:-60}
cd "$REPO/fuzz"

rustup toolchain list | grep -q '^nightly' || { log "ERROR: nightly Rust is needed (rustup toolchain install nightly)"; exit 1; }
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  log "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
# The fuzz build (nightly, sanitizer flags: nothing shared with the project's) is its own cold
# build of every crate, ~25 minutes on 2 cores: kept in a machine cache when there is one.
if [[ -z "${FUZZ_TARGET_DIR:-}" ]]; then
  FUZZ_TARGET_DIR=$REPO/fuzz/target
  [[ -d /var/cache/rescuedesk-fuzz && -w /var/cache/rescuedesk-fuzz ]] && FUZZ_TARGET_DIR=/var/cache/rescuedesk-fuzz
fi
export CARGO_TARGET_DIR=$FUZZ_TARGET_DIR

targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(cargo +nightly fuzz list)
log "building ${targets[*]}"
for t in "${targets[@]}"; do
  cargo +nightly fuzz build "$t" 2>&1 | tail -n 3 >&2
done

rows=()
total=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  log "$t for ${SECONDS_EACH}s"
  out=$(mktemp)
  if ! cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$SECONDS_EACH" -print_final_stats=1 >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    log "FAILED: $t (the input is under fuzz/artifacts/$t/)"
    rm -f "$out"
    exit 1
  fi
  runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$out" | tail -n 1)
  cov=$(grep -Eo 'cov: [0-9]+' "$out" | tail -n 1 | awk '{print $2}')
  rm -f "$out"
  rows+=("$t|${runs:-0}|${cov:-0}|$(find "corpus/$t" -type f | wc -l)")
  total=$((total + ${runs:-0}))
done

echo
echo "fuzzing, ${SECONDS_EACH}s per target, $(nproc) cores, libFuzzer + AddressSanitizer"
printf '%-14s %14s %10s %8s %s\n' target executions coverage corpus crashes
for r in "${rows[@]}"; do
  IFS='|' read -r t n c k <<<"$r"
  printf '%-14s %14s %10s %8s %s\n' "$t" "$n" "$c" "$k" 0
done
printf '%-14s %14s\n' total "$total"
