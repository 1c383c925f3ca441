-- The last position a crew member's phone shared while on the road, one row per technician and
-- ticket (overwritten, never appended: a phone that sends too often costs one row, not a log).
-- With it, the drive to the site from there as the routing service or the estimate gave it.
CREATE TABLE crew_positions (
    ticket_id      TEXT NOT NULL REFERENCES tickets(id),
    technician_id  TEXT NOT NULL REFERENCES technicians(id),
    lat            DOUBLE PRECISION NOT NULL,
    lon            DOUBLE PRECISION NOT NULL,
    accuracy_m     DOUBLE PRECISION NOT NULL,
    fixed_at       TIMESTAMP NOT NULL,
    received_at    TIMESTAMP NOT NULL,
    road_km        DOUBLE PRECISION NOT NULL,
    drive_minutes  INTEGER NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('routed', 'estimated')),
    PRIMARY KEY (ticket_id, technician_id)
);
