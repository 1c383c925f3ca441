-- One-tap decision links (scope 'decide'): the plan version the link was sent for. A new version
-- makes the link void; job and status links have none. SQLite cannot change a CHECK constraint in
-- place, so the table is rebuilt with the third scope allowed.
CREATE TABLE links_new (
    code         TEXT PRIMARY KEY,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    person       TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('job', 'status', 'decide')),
    nonce        TEXT NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    plan_version INTEGER,
    CHECK ((scope = 'decide') = (plan_version IS NOT NULL))
);
INSERT INTO links_new (code, ticket_id, person, scope, nonce, expires_at, revoked_at, created_at)
    SELECT code, ticket_id, person, scope, nonce, expires_at, revoked_at, created_at FROM links;
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;
CREATE INDEX links_ticket ON links(ticket_id);
