CREATE TABLE links_old (
    code        TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    person      TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('job', 'status')),
    nonce       TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
INSERT INTO links_old (code, ticket_id, person, scope, nonce, expires_at, revoked_at, created_at)
    SELECT code, ticket_id, person, scope, nonce, expires_at, revoked_at, created_at FROM links
    WHERE scope <> 'decide';
DROP TABLE links;
ALTER TABLE links_old RENAME TO links;
CREATE INDEX links_ticket ON links(ticket_id);
