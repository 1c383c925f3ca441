-- RescueDesk schema for the whole rescue flow (DOMAIN.md). Shared column types
-- only, so the SQLite and PostgreSQL schemas stay identical: TEXT ids (UUIDv7)
-- and enums, TIMESTAMP in naive UTC, BIGINT money in fen, DOUBLE PRECISION
-- coordinates in WGS-84.

CREATE TABLE dealer_groups (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    brand       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE dealers (
    id          TEXT PRIMARY KEY,
    group_id    TEXT NOT NULL REFERENCES dealer_groups(id),
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    city        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    lon         DOUBLE PRECISION NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX dealers_group ON dealers(group_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    phone          TEXT NOT NULL,
    email          TEXT NOT NULL,
    dealer_id      TEXT NOT NULL REFERENCES dealers(id),
    password_hash  TEXT NOT NULL,
    locale         TEXT NOT NULL DEFAULT 'zh-CN',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX users_dealer ON users(dealer_id);

CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('call_agent', 'workshop_lead', 'service_manager',
                                           'service_director', 'parts_desk', 'technician', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- Page sessions; only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- API bearer tokens; only the SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    label         TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP
);

CREATE TABLE technicians (
    id          TEXT PRIMARY KEY,
    dealer_id   TEXT NOT NULL REFERENCES dealers(id),
    user_id     TEXT REFERENCES users(id),
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    notify_via  TEXT NOT NULL CHECK (notify_via IN ('sms', 'email')),
    grade       TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX technicians_dealer ON technicians(dealer_id);

CREATE TABLE technician_skills (
    technician_id  TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    skill          TEXT NOT NULL,
    PRIMARY KEY (technician_id, skill)
);

-- Duty rota: who can be dispatched when (holiday shifts included).
CREATE TABLE technician_shifts (
    id             TEXT PRIMARY KEY,
    technician_id  TEXT NOT NULL REFERENCES technicians(id) ON DELETE CASCADE,
    starts_at      TIMESTAMP NOT NULL,
    ends_at        TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX technician_shifts_time ON technician_shifts(technician_id, starts_at);

CREATE TABLE tools (
    id          TEXT PRIMARY KEY,
    dealer_id   TEXT NOT NULL REFERENCES dealers(id),
    code        TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity >= 0),
    UNIQUE (dealer_id, code)
);

CREATE TABLE parts (
    id               TEXT PRIMARY KEY,
    part_no          TEXT NOT NULL UNIQUE,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    category         TEXT NOT NULL,
    price_fen        BIGINT NOT NULL CHECK (price_fen >= 0),
    weight_g         INTEGER NOT NULL CHECK (weight_g >= 0),
    dangerous_goods  BOOLEAN NOT NULL DEFAULT FALSE,
    un_number        TEXT,
    monitored        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP NOT NULL
);

-- Stock per dealer and part; available = on_hand - reserved. The CHECKs are
-- the last line of defence behind the guarded updates.
CREATE TABLE stock (
    dealer_id   TEXT NOT NULL REFERENCES dealers(id),
    part_id     TEXT NOT NULL REFERENCES parts(id),
    on_hand     INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved    INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand),
    bin         TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (dealer_id, part_id)
);
CREATE INDEX stock_part ON stock(part_id);

CREATE TABLE customers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX customers_phone ON customers(phone);

CREATE TABLE vehicles (
    id           TEXT PRIMARY KEY,
    plate        TEXT NOT NULL UNIQUE,
    vin          TEXT UNIQUE,
    model        TEXT NOT NULL,
    model_year   INTEGER NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    dealer_id    TEXT NOT NULL REFERENCES dealers(id),
    mileage_km   INTEGER NOT NULL CHECK (mileage_km >= 0),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX vehicles_customer ON vehicles(customer_id);

-- Service history: one row per workshop visit, its replaced parts below.
CREATE TABLE service_visits (
    id          TEXT PRIMARY KEY,
    vehicle_id  TEXT NOT NULL REFERENCES vehicles(id),
    dealer_id   TEXT NOT NULL REFERENCES dealers(id),
    visited_at  TIMESTAMP NOT NULL,
    mileage_km  INTEGER NOT NULL CHECK (mileage_km >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('maintenance', 'repair', 'rescue', 'warranty')),
    summary     TEXT NOT NULL
);
CREATE INDEX service_visits_vehicle ON service_visits(vehicle_id, visited_at);

CREATE TABLE service_visit_parts (
    id        TEXT PRIMARY KEY,
    visit_id  TEXT NOT NULL REFERENCES service_visits(id) ON DELETE CASCADE,
    part_id   TEXT REFERENCES parts(id),
    part_no   TEXT NOT NULL,
    name      TEXT NOT NULL,
    quantity  INTEGER NOT NULL CHECK (quantity > 0)
);
CREATE INDEX service_visit_parts_visit ON service_visit_parts(visit_id);

-- Per dealer and day counter behind human-readable ticket numbers.
CREATE TABLE ticket_counters (
    dealer_id  TEXT NOT NULL REFERENCES dealers(id),
    day        TEXT NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (dealer_id, day)
);

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
    UNIQUE (dealer_id, number),
    UNIQUE (dealer_id, idempotency_key)
);
CREATE INDEX tickets_dealer_call ON tickets(dealer_id, call_time);
CREATE INDEX tickets_status ON tickets(dealer_id, status);
CREATE INDEX tickets_plate ON tickets(plate);
CREATE INDEX tickets_phone ON tickets(phone);

-- A plan version; a submitted plan is frozen, changes make a new version.
CREATE TABLE plans (
    id                 TEXT PRIMARY KEY,
    ticket_id          TEXT NOT NULL REFERENCES tickets(id),
    version            INTEGER NOT NULL CHECK (version > 0),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'superseded')),
    estimated_minutes  INTEGER NOT NULL CHECK (estimated_minutes >= 0),
    travel_km          DOUBLE PRECISION NOT NULL CHECK (travel_km >= 0),
    special_notes      TEXT NOT NULL DEFAULT '',
    parts_fen          BIGINT NOT NULL,
    labour_fen         BIGINT NOT NULL,
    travel_fen         BIGINT NOT NULL,
    total_fen          BIGINT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users(id),
    created_at         TIMESTAMP NOT NULL,
    submitted_at       TIMESTAMP,
    UNIQUE (ticket_id, version)
);

CREATE TABLE plan_crew (
    plan_id        TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    technician_id  TEXT NOT NULL REFERENCES technicians(id),
    is_lead        BOOLEAN NOT NULL,
    PRIMARY KEY (plan_id, technician_id)
);

CREATE TABLE plan_tools (
    plan_id   TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    tool_id   TEXT NOT NULL REFERENCES tools(id),
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (plan_id, tool_id)
);

CREATE TABLE plan_parts (
    id              TEXT PRIMARY KEY,
    plan_id         TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    part_id         TEXT NOT NULL REFERENCES parts(id),
    quantity        INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_fen  BIGINT NOT NULL CHECK (unit_price_fen >= 0),
    reserved        INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    UNIQUE (plan_id, part_id)
);

CREATE TABLE plan_items (
    id                TEXT PRIMARY KEY,
    plan_id           TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    description       TEXT NOT NULL,
    labour_minutes    INTEGER NOT NULL CHECK (labour_minutes >= 0),
    rate_fen_per_hour BIGINT NOT NULL CHECK (rate_fen_per_hour >= 0)
);

-- Each step of the approval chain; a new plan version voids the earlier ones.
CREATE TABLE approvals (
    id           TEXT PRIMARY KEY,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    plan_id      TEXT NOT NULL REFERENCES plans(id),
    step         TEXT NOT NULL CHECK (step IN ('manager_review', 'customer_consent', 'director')),
    decision     TEXT NOT NULL CHECK (decision IN ('accepted', 'returned', 'agreed', 'declined', 'approved', 'rejected')),
    actor_id     TEXT NOT NULL REFERENCES users(id),
    reason       TEXT,
    told_values  TEXT,
    created_at   TIMESTAMP NOT NULL,
    voided_at    TIMESTAMP,
    void_reason  TEXT
);
CREATE INDEX approvals_ticket ON approvals(ticket_id, created_at);

-- Parts handed out (领料) and returned, against one approved plan version.
CREATE TABLE part_issues (
    id           TEXT PRIMARY KEY,
    ticket_id    TEXT NOT NULL REFERENCES tickets(id),
    plan_id      TEXT NOT NULL REFERENCES plans(id),
    part_id      TEXT NOT NULL REFERENCES parts(id),
    dealer_id    TEXT NOT NULL REFERENCES dealers(id),
    quantity     INTEGER NOT NULL CHECK (quantity <> 0),
    issued_by    TEXT NOT NULL REFERENCES users(id),
    received_by  TEXT REFERENCES technicians(id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX part_issues_ticket ON part_issues(ticket_id);

-- How a part the dealer lacks gets to the site: sister transfer or
-- manufacturer emergency order, one order per plan part line.
CREATE TABLE sourcing_orders (
    id                TEXT PRIMARY KEY,
    ticket_id         TEXT NOT NULL REFERENCES tickets(id),
    plan_part_id      TEXT NOT NULL REFERENCES plan_parts(id),
    part_id           TEXT NOT NULL REFERENCES parts(id),
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    kind              TEXT NOT NULL CHECK (kind IN ('sister_transfer', 'manufacturer')),
    source_dealer_id  TEXT REFERENCES dealers(id),
    mode              TEXT NOT NULL CHECK (mode IN ('drive', 'road', 'express', 'air')),
    status            TEXT NOT NULL,
    cost_fen          BIGINT NOT NULL CHECK (cost_fen >= 0),
    eta               TIMESTAMP,
    carrier           TEXT,
    tracking_no       TEXT,
    reviewed_by       TEXT REFERENCES users(id),
    reviewed_at       TIMESTAMP,
    review_note       TEXT,
    created_by        TEXT NOT NULL REFERENCES users(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX sourcing_orders_ticket ON sourcing_orders(ticket_id);
CREATE INDEX sourcing_orders_status ON sourcing_orders(status);

-- Transactional outbox: written with the change that causes the message.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient        TEXT NOT NULL,
    locale           TEXT NOT NULL,
    template         TEXT NOT NULL,
    subject          TEXT NOT NULL DEFAULT '',
    body_text        TEXT NOT NULL,
    body_html        TEXT,
    ticket_id        TEXT REFERENCES tickets(id),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    last_error       TEXT,
    idempotency_key  TEXT NOT NULL UNIQUE,
    claimed_by       TEXT,
    claimed_at       TIMESTAMP,
    sent_at          TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    dealer_id    TEXT REFERENCES dealers(id),
    ticket_id    TEXT REFERENCES tickets(id),
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    action       TEXT NOT NULL,
    actor_id     TEXT REFERENCES users(id),
    from_status  TEXT,
    to_status    TEXT,
    comment      TEXT,
    data         TEXT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX audit_events_ticket ON audit_events(ticket_id, created_at);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);
