-- Weather and area suspensions (issue 13): a dealer stops sending crews into an area (a circle:
-- centre and radius; or a polygon: its WGS-84 points as JSON [[lat, lon], ...]) for a period.
-- Lifting ends one early and records who and when; the end itself is never moved.
CREATE TABLE suspensions (
    id              TEXT PRIMARY KEY,
    dealer_id       TEXT NOT NULL REFERENCES dealers(id),
    shape           TEXT NOT NULL,
    centre_lat      DOUBLE PRECISION,
    centre_lon      DOUBLE PRECISION,
    radius_km       DOUBLE PRECISION,
    points          TEXT,
    starts_at       TIMESTAMP NOT NULL,
    ends_at         TIMESTAMP NOT NULL,
    reason          TEXT NOT NULL,
    customer_words  TEXT,
    declared_by     TEXT NOT NULL REFERENCES users(id),
    declared_at     TIMESTAMP NOT NULL,
    lifted_by       TEXT REFERENCES users(id),
    lifted_at       TIMESTAMP
);
CREATE INDEX suspensions_of_dealer ON suspensions(dealer_id, ends_at);
