-- Delivery: template variables and provider receipts on the outbox, the link
-- signing secret shared by all nodes, revoked links, and locations that
-- customers share from their phone.
ALTER TABLE outbox ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE outbox ADD COLUMN provider_id TEXT;

CREATE TABLE app_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE revoked_links (
    nonce       TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    revoked_by  TEXT REFERENCES users(id),
    revoked_at  TIMESTAMP NOT NULL
);

CREATE TABLE location_shares (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    accuracy_m  DOUBLE PRECISION,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX location_shares_ticket ON location_shares(ticket_id, created_at);
