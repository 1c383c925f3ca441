-- Delivery: template variables and provider receipts on the outbox, the link
-- signing secret shared by all nodes, passwordless links, and locations that
-- customers share from their phone.
ALTER TABLE outbox ADD COLUMN params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE outbox ADD COLUMN provider_id TEXT;

CREATE TABLE app_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- Passwordless links (technician job page, customer status page). The code in
-- the URL is an HMAC over the other columns, so links stay short enough for an
-- SMS and a row edited by hand no longer matches its code.
CREATE TABLE links (
    code        TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    person      TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope IN ('job', 'status')),
    nonce       TEXT NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX links_ticket ON links(ticket_id);

CREATE TABLE location_shares (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets(id),
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    accuracy_m  DOUBLE PRECISION,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX location_shares_ticket ON location_shares(ticket_id, created_at);
