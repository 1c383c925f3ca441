-- Rescue vehicles (救援车辆): each dealer's service vans, tow trucks and flatbeds, what they
-- carry and where they stand; and the readiness checks the crew makes on the phone (fuel,
-- water, tyre pressure, tool kit, lights), daily and before a holiday. A vehicle is ready while
-- its latest check passed within the day (domain::fleet::readiness); the checks are kept, so
-- the holiday readiness page can show who checked what and when.
CREATE TABLE rescue_vehicles (
    id          TEXT PRIMARY KEY,
    dealer_id   TEXT NOT NULL REFERENCES dealers(id),
    plate       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('service_van', 'tow_truck', 'flatbed')),
    -- The equipment names, comma-separated (domain::fleet::Equipment::join).
    carries     TEXT NOT NULL,
    base        TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (dealer_id, plate)
);

CREATE TABLE vehicle_checks (
    id             TEXT PRIMARY KEY,
    vehicle_id     TEXT NOT NULL REFERENCES rescue_vehicles(id),
    occasion       TEXT NOT NULL CHECK (occasion IN ('daily', 'holiday')),
    fuel           BOOLEAN NOT NULL,
    water          BOOLEAN NOT NULL,
    tyre_pressure  BOOLEAN NOT NULL,
    tool_kit       BOOLEAN NOT NULL,
    lights         BOOLEAN NOT NULL,
    passed         BOOLEAN NOT NULL,
    note           TEXT,
    checked_by     TEXT NOT NULL REFERENCES users(id),
    checked_at     TIMESTAMP NOT NULL
);

-- The latest check of a vehicle, and its history newest first.
CREATE INDEX vehicle_checks_latest ON vehicle_checks (vehicle_id, checked_at);
