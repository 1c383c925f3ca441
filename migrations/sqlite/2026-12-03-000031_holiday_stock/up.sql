-- Holiday stock (节前备货): one order list per dealer and holiday, suggested from the same
-- period in past years, adjusted and confirmed by the parts manager, then tracked line by line
-- until received. `status`: domain::holiday_stock::ListStatus.
CREATE TABLE holiday_stock_lists (
    id            TEXT PRIMARY KEY,
    dealer_id     TEXT NOT NULL REFERENCES dealers(id),
    holiday_id    TEXT NOT NULL REFERENCES holidays(id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    confirmed_by  TEXT REFERENCES users(id),
    confirmed_at  TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (dealer_id, holiday_id)
);

-- A line: the suggestion as it was computed (kept to show what the manager changed), the
-- quantity ordered, and what has arrived so far.
CREATE TABLE holiday_stock_lines (
    list_id       TEXT NOT NULL REFERENCES holiday_stock_lists(id) ON DELETE CASCADE,
    part_id       TEXT NOT NULL REFERENCES parts(id),
    held_up       INTEGER NOT NULL,
    expected      INTEGER NOT NULL,
    available     INTEGER NOT NULL,
    suggested     INTEGER NOT NULL,
    quantity      INTEGER NOT NULL,
    received      INTEGER NOT NULL,
    received_at   TIMESTAMP,
    PRIMARY KEY (list_id, part_id)
);
