-- The group's holiday calendar (节假日): named days, in the dealers' local dates (both included),
-- that slow or stop the ways parts travel. Edited by an admin; read by sourcing, the consent
-- script and the holiday readiness pages. A group holds few (a handful a year), so the rows are
-- read whole.
CREATE TABLE holidays (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES dealer_groups(id),
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL
);

CREATE INDEX holidays_group_last_day ON holidays (group_id, last_day);

-- What a holiday does to one channel (domain::holiday::Channel): `stopped` freezes a shipment's
-- clock over the holiday's days; `extra_hours` are added on top. A channel without a row runs
-- as usual.
CREATE TABLE holiday_effects (
    holiday_id   TEXT NOT NULL REFERENCES holidays(id) ON DELETE CASCADE,
    channel      TEXT NOT NULL,
    stopped      BOOLEAN NOT NULL,
    extra_hours  INTEGER NOT NULL,
    PRIMARY KEY (holiday_id, channel)
);
