-- The promise clock (issue 11). A pause: the clock stands still while the rescue waits on the
-- customer (consent call unanswered, customer asked to wait). Who paused and why (a stable
-- reason code, the user's own note as typed); who ended it. At most one open pause per ticket:
-- the partial unique index makes a second concurrent pause fail on every node.
CREATE TABLE ticket_pauses (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    started_at  TIMESTAMP NOT NULL,
    started_by  TEXT NOT NULL REFERENCES users(id),
    reason      TEXT NOT NULL,
    note        TEXT,
    ended_at    TIMESTAMP,
    ended_by    TEXT REFERENCES users(id)
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id, started_at);
CREATE UNIQUE INDEX ticket_pauses_one_open ON ticket_pauses(ticket_id) WHERE ended_at IS NULL;

-- What the timer worker told: exactly one warning and one breach per ticket and stage, also
-- with several workers and after a restart (a unique row, not a flag in memory).
CREATE TABLE sla_alerts (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    stage       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (ticket_id, stage, kind)
);
