-- The crew's phone (issue 12). Photos taken on the job, stored in the database so that nodes
-- stay stateless: the bytes as sent by the phone (already resized there), checked by their
-- magic bytes on the server; the kind says what they show.
CREATE TABLE ticket_photos (
    id             TEXT PRIMARY KEY,
    ticket_id      TEXT NOT NULL REFERENCES tickets(id),
    kind           TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    data           BYTEA NOT NULL,
    technician_id  TEXT REFERENCES technicians(id),
    user_id        TEXT REFERENCES users(id),
    taken_by       TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX ticket_photos_ticket ON ticket_photos(ticket_id, created_at);

-- What the crew did and the customer's signature, recorded when the job is resolved (one per
-- ticket). Without a signature (the customer was not there) the reason says why.
CREATE TABLE ticket_signatures (
    ticket_id      TEXT PRIMARY KEY REFERENCES tickets(id),
    work_done      TEXT NOT NULL,
    png            BYTEA,
    absent_reason  TEXT,
    taken_by       TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

-- One active job per technician: a lead who puts a busy technician on a crew all the same
-- says why; the row lets the crew depart later without asking again.
CREATE TABLE busy_overrides (
    ticket_id        TEXT NOT NULL REFERENCES tickets(id),
    technician_id    TEXT NOT NULL REFERENCES technicians(id),
    other_ticket_id  TEXT NOT NULL REFERENCES tickets(id),
    reason           TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, technician_id)
);
