DROP TABLE rota_holidays;
DROP TABLE rota_shifts;
CREATE TABLE technician_shifts (
    id             TEXT PRIMARY KEY,
    technician_id  TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX technician_shifts_time ON technician_shifts(technician_id, starts_at);
