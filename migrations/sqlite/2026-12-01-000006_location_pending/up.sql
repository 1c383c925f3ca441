-- A caller who cannot say where they are is registered with the address alone:
-- the coordinates stay empty and the ticket is "location pending" until the
-- customer's phone sends its position through the status link.
--
-- SQLite cannot drop NOT NULL in place, so tickets is rebuilt. Many tables
-- reference it and migrations run inside a transaction (where foreign_keys
-- cannot be switched off), so the checks are deferred to the commit instead:
-- dropping the old table counts the orphaned child rows, re-inserting every
-- ticket under the same name counts them back to zero. No rename is used, so
-- the children's REFERENCES tickets(id) keep pointing at the right name.
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
    lat                      DOUBLE PRECISION,
    lon                      DOUBLE PRECISION,
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
    location_pending         BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (dealer_id, number),
    UNIQUE (dealer_id, idempotency_key),
    -- Both coordinates or neither, and none exactly while the location is pending.
    CHECK ((lat IS NULL) = (lon IS NULL)),
    CHECK (location_pending = (lat IS NULL))
);
CREATE INDEX tickets_dealer_call ON tickets(dealer_id, call_time);
CREATE INDEX tickets_status ON tickets(dealer_id, status);
CREATE INDEX tickets_plate ON tickets(plate);
CREATE INDEX tickets_phone ON tickets(phone);
INSERT INTO tickets (id, dealer_id, number, status, call_time, customer_name, phone, address, lat, lon, source_crs, plate, model, vin, mileage_km, fault, repaired_elsewhere, repaired_elsewhere_note, response_level, vehicle_id, customer_id, created_by, idempotency_key, request_hash, cancel_reason, expected_arrival_at, created_at, updated_at, crew_on_site, location_pending)
    SELECT id, dealer_id, number, status, call_time, customer_name, phone, address, lat, lon, source_crs, plate, model, vin, mileage_km, fault, repaired_elsewhere, repaired_elsewhere_note, response_level, vehicle_id, customer_id, created_by, idempotency_key, request_hash, cancel_reason, expected_arrival_at, created_at, updated_at, crew_on_site, FALSE FROM tickets_copy;
DROP TABLE tickets_copy;
