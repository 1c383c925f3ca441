-- Back to a required opener: a complaint the customer opened from their link is put on its owner
-- (the service manager who answers for it), else on the first user of its dealer.
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
    opened_by      TEXT NOT NULL REFERENCES users(id),
    opened_at      TIMESTAMP NOT NULL,
    escalated_at   TIMESTAMP,
    closed_by      TEXT REFERENCES users(id),
    closed_at      TIMESTAMP,
    closing_note   TEXT
);
INSERT INTO complaints (id, ticket_id, dealer_id, follow_up_id, status, summary, owner_id, opened_by, opened_at, escalated_at, closed_by, closed_at, closing_note)
    SELECT id, ticket_id, dealer_id, follow_up_id, status, summary, owner_id,
        COALESCE(opened_by, owner_id, (SELECT u.id FROM users u WHERE u.dealer_id = c.dealer_id ORDER BY u.created_at, u.id LIMIT 1)),
        opened_at, escalated_at, closed_by, closed_at, closing_note FROM complaints_copy c;
DROP TABLE complaints_copy;
CREATE INDEX complaints_open ON complaints(dealer_id, status, opened_at);
CREATE INDEX complaints_ticket ON complaints(ticket_id);
ALTER TABLE follow_ups DROP COLUMN by_customer;
