-- The duty rota (issue 12): one table for technicians and staff, a weekly pattern plus dated
-- shifts, in the dealer's local time (minutes after local midnight; an end at or before the start
-- runs into the next day). A dated shift replaces that person's weekly one for its day; a
-- holiday day of the dealer (rota_holidays) replaces everyone's: on it only dated shifts count.
--
-- technician_shifts (dated UTC spans) was filled by the demo only and read by nothing; the demo
-- now fills rota_shifts, so the old table is dropped rather than converted.
DROP TABLE technician_shifts;

CREATE TABLE rota_shifts (
    id             TEXT PRIMARY KEY,
    dealer_id      TEXT NOT NULL REFERENCES dealers(id),
    technician_id  TEXT REFERENCES technicians(id) ON DELETE CASCADE,
    user_id        TEXT REFERENCES users(id) ON DELETE CASCADE,
    -- 1 = Monday … 7 = Sunday (ISO), for the weekly pattern; else on_date (YYYY-MM-DD, local).
    weekday        INTEGER,
    on_date        TEXT,
    start_min      INTEGER NOT NULL,
    end_min        INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('on_duty', 'on_call', 'off')),
    updated_at     TIMESTAMP NOT NULL,
    CHECK ((technician_id IS NULL) <> (user_id IS NULL)),
    CHECK ((weekday IS NULL) <> (on_date IS NULL)),
    CHECK (weekday IS NULL OR weekday BETWEEN 1 AND 7),
    CHECK (start_min BETWEEN 0 AND 1439 AND end_min BETWEEN 1 AND 1440),
    CHECK (kind <> 'off' OR on_date IS NOT NULL)
);
-- One shift per person and weekday, one per person and date.
CREATE UNIQUE INDEX rota_shifts_weekly ON rota_shifts (COALESCE(technician_id, user_id), weekday)
    WHERE weekday IS NOT NULL;
CREATE UNIQUE INDEX rota_shifts_dated ON rota_shifts (COALESCE(technician_id, user_id), on_date)
    WHERE on_date IS NOT NULL;
CREATE INDEX rota_shifts_dealer ON rota_shifts (dealer_id);

-- The dealer's holiday days (the Spring Festival): the weekly pattern does not apply on them.
CREATE TABLE rota_holidays (
    dealer_id  TEXT NOT NULL REFERENCES dealers(id),
    on_date    TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    PRIMARY KEY (dealer_id, on_date)
);
