-- After the job (issue 13): each resolved or towed rescue gets one follow-up call (回访), due a
-- configured time after it ended; the agent records the customer's satisfaction (1–5) and a
-- comment, or that nobody answered (tried again later, up to a limit).
CREATE TABLE follow_ups (
    id             TEXT PRIMARY KEY,
    ticket_id      TEXT NOT NULL UNIQUE REFERENCES tickets(id),
    dealer_id      TEXT NOT NULL REFERENCES dealers(id),
    status         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    attempts       INTEGER NOT NULL,
    next_try_at    TIMESTAMP,
    score          INTEGER,
    comment        TEXT,
    done_by        TEXT REFERENCES users(id),
    done_at        TIMESTAMP
);
CREATE INDEX follow_ups_queue ON follow_ups(dealer_id, status, created_at);

-- A low score or a complaint opens a case, followed until the customer is recorded satisfied:
-- an owner, the steps taken (who, when, what), the closing. The escalation is told once (the
-- guarded update of escalated_at decides between workers).
CREATE TABLE complaints (
    id             TEXT PRIMARY KEY,
    ticket_id      TEXT NOT NULL REFERENCES tickets(id),
    dealer_id      TEXT NOT NULL REFERENCES dealers(id),
    follow_up_id   TEXT REFERENCES follow_ups(id),
    status         TEXT NOT NULL,
    summary        TEXT NOT NULL,
    owner_id       TEXT REFERENCES users(id),
    opened_by      TEXT NOT NULL REFERENCES users(id),
    opened_at      TIMESTAMP NOT NULL,
    escalated_at   TIMESTAMP,
    closed_by      TEXT REFERENCES users(id),
    closed_at      TIMESTAMP,
    closing_note   TEXT
);
CREATE INDEX complaints_open ON complaints(dealer_id, status, opened_at);

CREATE TABLE complaint_steps (
    id             TEXT PRIMARY KEY,
    complaint_id   TEXT NOT NULL REFERENCES complaints(id),
    note           TEXT NOT NULL,
    taken_by       TEXT NOT NULL REFERENCES users(id),
    taken_at       TIMESTAMP NOT NULL
);
CREATE INDEX complaint_steps_case ON complaint_steps(complaint_id, taken_at);
