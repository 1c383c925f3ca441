#!/usr/bin/env bash
# scripts/crash-loop.sh — kill -9 under load, many times, and prove nothing was lost (issue 15).
#
# Starts `rescuedesk demo` once on a throw-away database (SQLite WAL synchronous=FULL, or
# BACKEND=postgres on a private cluster from scripts/pg.sh with fsync on), then CYCLES times:
# `rescuedesk serve`, intake load from several threads (each intake with its own
# Idempotency-Key; one in three without coordinates, which writes the caller's SMS in the same
# transaction; some tickets cancelled right after), and `kill -9` at a random moment. Every
# request whose answer was lost with the process is retried with the same key and body after the
# restart, as a client would. At the end a last server drains the outbox and is stopped with
# SIGTERM (it must exit 0 within 30 s: graceful shutdown), and the database is checked:
#   - every ticket answered 2xx exists, with its `ticket.created` audit event, and is cancelled
#     if a cancel was answered 2xx (losses, incomplete);
#   - one ticket per Idempotency-Key however often it was retried (duplicates);
#   - each ticket opened without coordinates has its SMS in the outbox (incomplete);
#   - every outbox message is sent or still pending, none stuck claimed (stuck);
#   - no stock row negative or reserved beyond what is on hand (stock).
# Prints one line of figures; exits 1 if anything was lost, duplicated, incomplete or stuck.
#
# Usage: scripts/crash-loop.sh [CYCLES]        (20 by default)
#        BACKEND=postgres scripts/crash-loop.sh 10
#        RESCUEDESK_BIN=/path/to/rescuedesk scripts/crash-loop.sh   (no build)
set -euo pipefail

log() { echo "[crash-loop] $*" >&2; }
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CYCLES=${1:-20}
BACKEND=${BACKEND:-sqlite}
cd "$REPO"

if [[ -n "${RESCUEDESK_BIN:-}" ]]; then
  BIN=$RESCUEDESK_BIN
else
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/rescuedesk"
fi
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/rescuedesk-crash.XXXXXX")
PG_DIR=
cleanup() {
  [[ -n "$PG_DIR" ]] && { bash "$REPO/scripts/pg.sh" stop "$PG_DIR" >/dev/null 2>&1; rm -rf "$PG_DIR"; }
  rm -rf "$WORK"
}
trap cleanup EXIT

if [[ $BACKEND == postgres ]]; then
  PG_DIR=$(mktemp -d /tmp/rescuedesk-crash-pg.XXXXXX)
  PG_URL=$(bash "$REPO/scripts/pg.sh" start "$PG_DIR")
  # scripts/pg.sh runs the test cluster without flushing; a crash test needs the real durability.
  psql -q "$PG_URL" -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "SELECT pg_reload_conf()" >/dev/null
  psql -q "$PG_URL" -c "CREATE DATABASE crash_app" >/dev/null
  export RESCUEDESK__DATABASE__URL="${PG_URL%/*}/crash_app"
else
  export RESCUEDESK__DATABASE__URL="sqlite://$WORK/rd.sqlite3"
fi
# A message claimed by a process that was killed is claimed again after this many seconds.
export RESCUEDESK__OUTBOX__LEASE_S=2
export RESCUEDESK__DEMO__PAST=false

log "loading the demo into $BACKEND"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" demo --port "$PORT" >"$WORK/demo.log" 2>&1 &
DEMO_PID=$!
for _ in $(seq 1 600); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { log "demo did not start"; cat "$WORK/demo.log" >&2; exit 1; }
TOKENS=
for d in hz nb wz; do
  TOKENS+=$("$BIN" token create --user "$d.agent" --label crash 2>/dev/null | tail -n 1),
done
kill "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null || true

log "$CYCLES kill -9 cycles"
BIN=$BIN TOKENS=${TOKENS%,} CYCLES=$CYCLES BACKEND=$BACKEND WORK=$WORK python3 - <<'PY'
import http.client, json, os, random, signal, socket, subprocess, sys, threading, time, uuid

BIN, WORK, BACKEND = os.environ["BIN"], os.environ["WORK"], os.environ["BACKEND"]
TOKENS = os.environ["TOKENS"].split(",")
CYCLES = int(os.environ["CYCLES"])
THREADS = 6
rng = random.Random(20261203)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start():
    port = free_port()
    log = open(os.path.join(WORK, "serve.log"), "ab")
    p = subprocess.Popen([BIN, "serve", "--port", str(port)], stdout=log, stderr=log)
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            if c.getresponse().status == 200:
                return p, port
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("the server did not start; see serve.log")

def call(port, method, path, token, body, key=None):
    """(status, json); None when the answer was lost with the process; "refused" when the
    request never reached one (it died before)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request(method, path, body=json.dumps(body), headers=headers)
        r = c.getresponse()
        data = r.read()
        return r.status, (json.loads(data) if data else None)
    except ConnectionRefusedError:
        return "refused"
    except (OSError, http.client.HTTPException, ValueError):
        return None

def intake_body(n):
    body = {"customer_name": "王建国", "phone": "138%08d" % (n % 10**8),
            "location": {"address": "杭州市西湖区文三路 %d 号" % (n % 900 + 1)},
            "plate": "浙A%05d" % (n % 100000), "model": "朗逸 1.5L", "mileage_km": 56000,
            "fault": "高速上熄火后无法启动", "repaired_elsewhere": False, "response_level": 2}
    if n % 3:
        body["location"].update({"lat": 30.2741, "lon": 120.1551, "crs": "gcj02"})
    else:
        body["location_pending"] = True
    return body

lock = threading.Lock()
fatal = []  # a refused request: a thread cannot end the script, the main loop does

def fail(msg):
    with lock:
        fatal.append(msg)

# key -> {"token", "body", "ticket": id or None, "answered": bool, "pending": bool (no coordinates)}
intakes = {}
cancels = {}   # ticket id -> {"token", "acknowledged": bool}
requests = [0]
lost_answers = [0]

def worker(port, stop, seed):
    r = random.Random(seed)
    while not stop.is_set():
        n = r.randrange(10**9)
        key, token = str(uuid.UUID(int=r.getrandbits(128))), r.choice(TOKENS)
        body = intake_body(n)
        with lock:
            intakes[key] = {"token": token, "body": body, "ticket": None, "answered": False,
                            "pending": "location_pending" in body}
            requests[0] += 1
        res = call(port, "POST", "/api/v1/tickets", token, body, key)
        if res is None or res == "refused":
            with lock:
                lost_answers[0] += res is None
            continue
        status, v = res
        if status not in (200, 201):
            fail(f"intake refused: {status} {v}")
            return
        with lock:
            intakes[key].update(ticket=v["id"], answered=True)
        if r.random() < 0.25:
            with lock:
                cancels[v["id"]] = {"token": token, "acknowledged": False}
                requests[0] += 1
            res = call(port, "POST", f"/api/v1/tickets/{v['id']}/cancel", token, {"reason": "客户已自行解决"})
            if res is None or res == "refused":
                with lock:
                    lost_answers[0] += res is None
            elif res[0] == 200:
                with lock: cancels[v["id"]]["acknowledged"] = True
            else:
                fail(f"cancel refused: {res}")
                return

def retry_lost(port):
    """A client's retries after the restart: the same key and body; a cancel again (409 once done)."""
    for key, i in list(intakes.items()):
        if not i["answered"]:
            res = call(port, "POST", "/api/v1/tickets", i["token"], i["body"], key)
            if not isinstance(res, tuple) or res[0] not in (200, 201):
                sys.exit(f"retry of intake {key} failed: {res}")
            i.update(ticket=res[1]["id"], answered=True)
            requests[0] += 1
    for ticket, c in list(cancels.items()):
        if not c["acknowledged"]:
            res = call(port, "POST", f"/api/v1/tickets/{ticket}/cancel", c["token"], {"reason": "客户已自行解决"})
            if not isinstance(res, tuple) or res[0] not in (200, 409):
                sys.exit(f"retry of cancel {ticket} failed: {res}")
            c["acknowledged"] = True
            requests[0] += 1

kills = 0
for cycle in range(CYCLES):
    p, port = start()
    retry_lost(port)
    stop = threading.Event()
    ts = [threading.Thread(target=worker, args=(port, stop, rng.random())) for _ in range(THREADS)]
    for t in ts: t.start()
    time.sleep(rng.uniform(0.3, 2.5))
    p.send_signal(signal.SIGKILL)
    stop.set()
    p.wait()
    kills += 1
    for t in ts: t.join()
    if fatal:
        sys.exit(fatal[0])
    print(f"[crash-loop] cycle {cycle + 1}/{CYCLES}: {requests[0]} requests, {lost_answers[0]} answers lost so far", file=sys.stderr)

# The last server: retries, the outbox drained (leases of killed processes run out), SIGTERM.
p, port = start()
retry_lost(port)
time.sleep(4)
p.send_signal(signal.SIGTERM)
t0 = time.monotonic()
try:
    code = p.wait(timeout=30)
except subprocess.TimeoutExpired:
    p.kill(); sys.exit("SIGTERM: the server did not stop within 30 s")
graceful = time.monotonic() - t0
if code != 0:
    sys.exit(f"SIGTERM: exit code {code}")

# The checks, straight on the database.
def query(sql):
    if BACKEND == "postgres":
        out = subprocess.run(["psql", "-Atq", "-F", "\t", os.environ["RESCUEDESK__DATABASE__URL"], "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]
    import sqlite3
    db = sqlite3.connect(os.environ["RESCUEDESK__DATABASE__URL"].removeprefix("sqlite://"))
    try:
        return [[str(x) for x in row] for row in db.execute(sql)]
    finally:
        db.close()

tickets = {r[0]: r for r in query("SELECT id, status, location_pending, idempotency_key FROM tickets WHERE idempotency_key IS NOT NULL")}
created = {r[0] for r in query("SELECT entity_id FROM audit_events WHERE action = 'ticket.created'")}
sms = {r[0] for r in query("SELECT DISTINCT ticket_id FROM outbox WHERE ticket_id IS NOT NULL")}
answered = {i["ticket"] for i in intakes.values() if i["answered"]}
losses = len(answered - set(tickets))
per_key = query("SELECT COUNT(*) FROM tickets WHERE idempotency_key IS NOT NULL GROUP BY idempotency_key HAVING COUNT(*) > 1")
duplicates = sum(int(r[0]) - 1 for r in per_key)
incomplete = sum(1 for t in answered if t in tickets and t not in created)
incomplete += sum(1 for i in intakes.values() if i["pending"] and i["ticket"] in tickets and i["ticket"] not in sms)
incomplete += sum(1 for t, c in cancels.items() if c["acknowledged"] and tickets.get(t, [None, None])[1] != "cancelled")
stuck = int(query("SELECT COUNT(*) FROM outbox WHERE status NOT IN ('sent', 'pending')")[0][0])
stock = int(query("SELECT COUNT(*) FROM stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand")[0][0])
messages = int(query("SELECT COUNT(*) FROM outbox")[0][0])
print()
print(f"crash loop, {BACKEND}: {kills} kill -9 cycles survived, {requests[0]} requests "
      f"({len(intakes)} intakes, {len(cancels)} cancels), {lost_answers[0]} answers lost with the process, all unanswered requests retried")
print(f"tickets answered {len(answered)}, in the database {len(tickets)}, outbox messages {messages}, "
      f"graceful stop {graceful:.1f} s")
print(f"losses {losses}, duplicates {duplicates}, incomplete {incomplete}, "
      f"stuck messages {stuck}, bad stock rows {stock}")
sys.exit(1 if losses or duplicates or incomplete or stuck or stock else 0)
PY
