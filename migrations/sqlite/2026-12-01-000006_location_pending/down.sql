-- Back to required coordinates: a ticket still waiting for its location gets
-- its dealer's position (the best guess there is), as the old schema needs one.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE tickets_copy AS SELECT * FROM tickets;
DROP TABLE tickets;
CREATE TABLE tickets (
    id                       TEXT PRIMARY KEY,
    dealer_id                TEXT NOT NULL REFERENCES dealers(id),
    number                   TEXT NOT NULL,
    status                   TEXT NOT NULL,
    call_time                TIMESTAMP NOT NULL,
    customer_name            TEXT NOT NULL,
    phone                    TEXT NOT NULL,
    address                  TEXT NOT NULL,
    lat                      DOUBLE PRECISION NOT NULL,
    lon                      DOUBLE PRECISION NOT NULL,
    source_crs               TEXT NOT NULL CHECK (source_crs IN ('wgs84', 'gcj02')),
    plate                    TEXT NOT NULL,
    model                    TEXT NOT NULL,
    vin                      TEXT,
    mileage_km               INTEGER NOT NULL CHECK (mileage_km >= 0),
    fault                    TEXT NOT NULL,
    repaired_elsewhere       BOOLEAN NOT NULL,
    repaired_elsewhere_note  TEXT,
    response_level           INTEGER NOT NULL CHECK (response_level IN (1, 2, 3)),
    vehicle_id               TEXT REFERENCES vehicles(id),
    customer_id              TEXT REFERENCES customers(id),
    created_by               TEXT NOT NULL REFERENCES users(id),
    idempotency_key          TEXT,
    request_hash             TEXT,
    cancel_reason            TEXT,
    expected_arrival_at      TIMESTAMP,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    crew_on_site             BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (dealer_id, number),
    UNIQUE (dealer_id, idempotency_key)
);
CREATE INDEX tickets_dealer_call ON tickets(dealer_id, call_time);
CREATE INDEX tickets_status ON tickets(dealer_id, status);
CREATE INDEX tickets_plate ON tickets(plate);
CREATE INDEX tickets_phone ON tickets(phone);
INSERT INTO tickets (id, dealer_id, number, status, call_time, customer_name, phone, address, lat, lon, source_crs, plate, model, vin, mileage_km, fault, repaired_elsewhere, repaired_elsewhere_note, response_level, vehicle_id, customer_id, created_by, idempotency_key, request_hash, cancel_reason, expected_arrival_at, created_at, updated_at, crew_on_site)
    SELECT t.id, t.dealer_id, t.number, t.status, t.call_time, t.customer_name, t.phone, t.address, COALESCE(t.lat, d.lat), COALESCE(t.lon, d.lon), t.source_crs, t.plate, t.model, t.vin, t.mileage_km, t.fault, t.repaired_elsewhere, t.repaired_elsewhere_note, t.response_level, t.vehicle_id, t.customer_id, t.created_by, t.idempotency_key, t.request_hash, t.cancel_reason, t.expected_arrival_at, t.created_at, t.updated_at, t.crew_on_site
    FROM tickets_copy t JOIN dealers d ON d.id = t.dealer_id;
DROP TABLE tickets_copy;
