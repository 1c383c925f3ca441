-- The customer may rate the rescue on their status link (issue 13): the follow-up is then answered
-- by the customer, not an agent (done_by stays empty, by_customer says so), and a low score opens
-- a complaint nobody signed in opened: complaints.opened_by becomes optional, empty exactly for a
-- complaint opened from the customer's link.
ALTER TABLE follow_ups ADD COLUMN by_customer BOOLEAN NOT NULL DEFAULT FALSE;

-- SQLite cannot drop NOT NULL in place, so complaints is rebuilt. complaint_steps references it
-- and migrations run inside a transaction (where foreign_keys cannot be switched off), so the
-- checks are deferred to the commit, and the table is re-created under its own name (no rename),
-- as in 000006_location_pending.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE complaints_copy AS SELECT * FROM complaints;
DROP TABLE complaints;
CREATE TABLE complaints (
    id             TEXT PRIMARY KEY,
    ticket_id      TEXT NOT NULL REFERENCES tickets(id),
    dealer_id      TEXT NOT NULL REFERENCES dealers(id),
    follow_up_id   TEXT REFERENCES follow_ups(id),
    status         TEXT NOT NULL,
    summary        TEXT NOT NULL,
    owner_id       TEXT REFERENCES users(id),
    opened_by      TEXT REFERENCES users(id),
    opened_at      TIMESTAMP NOT NULL,
    escalated_at   TIMESTAMP,
    closed_by      TEXT REFERENCES users(id),
    closed_at      TIMESTAMP,
    closing_note   TEXT
);
INSERT INTO complaints (id, ticket_id, dealer_id, follow_up_id, status, summary, owner_id, opened_by, opened_at, escalated_at, closed_by, closed_at, closing_note)
    SELECT id, ticket_id, dealer_id, follow_up_id, status, summary, owner_id, opened_by, opened_at, escalated_at, closed_by, closed_at, closing_note FROM complaints_copy;
DROP TABLE complaints_copy;
CREATE INDEX complaints_open ON complaints(dealer_id, status, opened_at);
CREATE INDEX complaints_ticket ON complaints(ticket_id);
