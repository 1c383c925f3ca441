#!/usr/bin/env bash
# scripts/conformance.sh — the API against its own OpenAPI document, with schemathesis (issue 15).
#
# Installs a pinned schemathesis into a venv under the cache dir (once), loads the demo into a
# throw-away SQLite database (`rescuedesk demo`, no past), makes an API token for each role the
# runs use (`rescuedesk token create`), starts `rescuedesk serve` on a free loopback port, opens
# one ticket as the call agent (the `id` of the /tickets/{id}/… operations, so they read their
# bodies instead of answering 404), and runs `schemathesis run /api/openapi.json --checks all`
# once per role, the roles side by side: a fixed seed and a fixed number of examples per
# operation. scripts/schemathesis.toml holds the ticket id and the few rules JSON Schema cannot
# state. Prints one line per role (operations, cases, failures, errors) and exits 1 on any
# failure or error, printing schemathesis's account of them.
#
# The seed fixes the generated values, not the run: the ticket and the data it changes are new
# each time, so a few cases more or less and, rarely, a different path through a workflow.
#
# Usage: scripts/conformance.sh                  (builds the debug binary; ~2.5 min on 2 cores)
#        RESCUEDESK_BIN=/path/to/rescuedesk scripts/conformance.sh   (no build)
#        ROLES="hz.admin" EXAMPLES=10 scripts/conformance.sh            (a quicker look)
#        KEEP=1 scripts/conformance.sh     (keeps the work dir: JUnit reports, run logs, server log)
set -euo pipefail

log() { echo "[conformance] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
SCHEMATHESIS_VERSION=4.32.5
# The call agent opens tickets; the admin reaches the account, rota, fleet and holiday operations;
# the workshop lead the plan and the parts desk's reads. Each sees 403 elsewhere, which the
# document must then say.
ROLES=${ROLES:-"hz.admin hz.workshop hz.agent"}
EXAMPLES=${EXAMPLES:-20}
SEED=${SEED:-20261204}

VENV=${XDG_CACHE_HOME:-$HOME/.cache}/rescuedesk-schemathesis-$SCHEMATHESIS_VERSION
if [[ ! -x $VENV/bin/schemathesis ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

if [[ -n "${RESCUEDESK_BIN:-}" ]]; then
  BIN=$RESCUEDESK_BIN
else
  cargo build --quiet
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/debug/rescuedesk"
fi

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rescuedesk-conformance.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [[ -n "${KEEP:-}" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

export RESCUEDESK__DATABASE__URL="sqlite://$WORK/rd.sqlite3"
export RESCUEDESK__DEMO__PAST=false
# Nothing leaves the machine: messages stay in the outbox.
export RESCUEDESK__SMS__PROVIDER=none

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { # PORT LOGFILE
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "the server did not start"; cat "$2" >&2; exit 1
}

log "loading the demo"
PORT=$(free_port)
"$BIN" demo --port "$PORT" >"$WORK/demo.log" 2>&1 &
SERVER_PID=$!
wait_up "$PORT" "$WORK/demo.log"
declare -A TOKEN
for login in $ROLES; do
  TOKEN[$login]=$("$BIN" token create --user "$login" --label conformance 2>/dev/null | tail -n 1)
done
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true

PORT=$(free_port)
"$BIN" serve --port "$PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
wait_up "$PORT" "$WORK/serve.log"

# A fresh ticket (opened by the call agent) for the operations on /tickets/{id}/…: with random
# ids they would only ever answer 404 and never read their bodies (scripts/schemathesis.toml
# passes it as `id`).
AGENT_TOKEN=$("$BIN" token create --user hz.agent --label conformance-setup 2>/dev/null | tail -n 1)
RD_TICKET_ID=$(curl -fsS -X POST -H "Authorization: Bearer $AGENT_TOKEN" -H 'Content-Type: application/json' \
  -d '{"customer_name": "王建国", "phone": "13812345678", "plate": "浙A12345", "model": "朗逸 1.5L",
       "mileage_km": 56000, "fault": "高速上熄火后无法启动", "repaired_elsewhere": false, "response_level": 2,
       "location": {"address": "杭州市西湖区文三路 90 号", "lat": 30.2741, "lon": 120.1551, "crs": "gcj02"}}' \
  "http://127.0.0.1:$PORT/api/v1/tickets" |
  python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("ticket", d)["id"])')
export RD_TICKET_ID
log "ticket $RD_TICKET_ID for /tickets/{id}/…"

START=$SECONDS
# One schemathesis process per role, side by side, each with one worker: hypothesis is not
# safe to run in threads on every Python (a worker thread can die in its source inspection).
declare -A RUN_PID
for login in $ROLES; do
  log "schemathesis as $login ($EXAMPLES examples per operation, seed $SEED)"
  # From a dir of its own: schemathesis keeps a cache (.schemathesis/, failures it found before,
  # which it tries first) in the current directory; each run starts without one.
  mkdir -p "$WORK/report-$login"
  (cd "$WORK/report-$login" && exec "$VENV/bin/schemathesis" --config-file "$REPO/scripts/schemathesis.toml" run \
    "http://127.0.0.1:$PORT/api/openapi.json" \
    --checks all \
    --header "Authorization: Bearer ${TOKEN[$login]}" \
    --max-examples "$EXAMPLES" --seed "$SEED" \
    --workers 1 --request-timeout 30 --no-color \
    --report junit --report-dir "$WORK/report-$login" \
    >"$WORK/run-$login.txt" 2>&1) &
  RUN_PID[$login]=$!
done

status=0
rows=()
for login in $ROLES; do
  rc=0
  wait "${RUN_PID[$login]}" || rc=$?
  # Operations, cases, failures, errors from the JUnit report; cases from the summary line
  # ("N generated").
  read -r ops failures errors < <(python3 - "$WORK/report-$login" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ops = failures = errors = 0
for path in glob.glob(sys.argv[1] + "/*.xml"):
    for tc in ET.parse(path).getroot().iter("testcase"):
        ops += 1
        failures += len(tc.findall("failure"))
        errors += len(tc.findall("error"))
print(ops, failures, errors)
PY
)
  cases=$(grep -oE '^ *[0-9]+ generated' "$WORK/run-$login.txt" | tr -dc 0-9)
  rows+=("$(printf '%-14s %10s %8s %9s %7s' "$login" "$ops" "${cases:-?}" "$failures" "$errors")")
  if ((rc != 0 || failures != 0 || errors != 0 || ops == 0)); then
    status=1
    log "as $login:"
    sed -n '/^=* FAILURES =*$/,$p;/^=* ERRORS =*$/,$p' "$WORK/run-$login.txt" | head -n 200 >&2
  fi
done

echo
printf '%-14s %10s %8s %9s %7s\n' role operations cases failures errors
printf '%s\n' "${rows[@]}"
echo "schemathesis $SCHEMATHESIS_VERSION, --checks all, $EXAMPLES examples, seed $SEED: $((SECONDS - START)) s"
exit $status
