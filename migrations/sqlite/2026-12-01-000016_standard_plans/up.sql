-- Standard rescue plans (标准救援方案): common faults (jump start, tyre change, fuel delivery,
-- towing) defined once by the service director, with the crew size, tools, repair items and a
-- price ceiling. Saving one is the director's standing approval (approved_by/approved_at, and a
-- new version each time it changes), so a ticket that applies it within the ceiling skips the
-- manager's review and the director's step; only the customer's consent is still asked.
CREATE TABLE standard_plans (
    id                 TEXT PRIMARY KEY,
    dealer_id          TEXT NOT NULL REFERENCES dealers(id),
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('jump_start', 'tyre_change', 'fuel_delivery', 'towing', 'other')),
    crew_size          INTEGER NOT NULL CHECK (crew_size BETWEEN 1 AND 6),
    estimated_minutes  INTEGER NOT NULL CHECK (estimated_minutes > 0),
    price_ceiling_fen  BIGINT NOT NULL CHECK (price_ceiling_fen >= 0),
    -- The call agent may record the customer's consent (still on the phone with them).
    agent_consent      BOOLEAN NOT NULL DEFAULT FALSE,
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    version            INTEGER NOT NULL CHECK (version > 0),
    approved_by        TEXT NOT NULL REFERENCES users(id),
    approved_at        TIMESTAMP NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    UNIQUE (dealer_id, name)
);

CREATE TABLE standard_plan_tools (
    standard_plan_id  TEXT NOT NULL REFERENCES standard_plans(id) ON DELETE CASCADE,
    tool_id           TEXT NOT NULL REFERENCES tools(id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (standard_plan_id, tool_id)
);

CREATE TABLE standard_plan_items (
    id                TEXT PRIMARY KEY,
    standard_plan_id  TEXT NOT NULL REFERENCES standard_plans(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    description       TEXT NOT NULL,
    labour_minutes    INTEGER NOT NULL CHECK (labour_minutes >= 0)
);

-- A plan version made from a standard plan: which one, at which version, and, within the
-- ceiling, whose standing approval it carries (NULL: over the ceiling, so the normal chain) and
-- whether the call agent may take the consent. Its own table, so plans keep their shape.
CREATE TABLE plan_standard (
    plan_id                TEXT PRIMARY KEY REFERENCES plans(id) ON DELETE CASCADE,
    standard_plan_id       TEXT NOT NULL REFERENCES standard_plans(id),
    standard_plan_version  INTEGER NOT NULL,
    standing_approval_by   TEXT REFERENCES users(id),
    agent_consent          BOOLEAN NOT NULL DEFAULT FALSE
);
