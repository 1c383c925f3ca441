-- The monthly report at national scale (issue 13): what a finished rescue contributes to the
-- report that no longer changes once it is over (its outcome, when each stage was reached, the
-- mismatch, the plan of record and its cost) is written once, when the rescue finishes
-- (`services::report_facts`), instead of being re-read from the audit trail on every report.
-- A group's year then reads one row per rescue instead of ten or more events. What still changes
-- after the end (breaches, the follow-up score, complaints, sourcing orders received later) is
-- read live. Tickets finished before this migration get their row from the backfill at start.
CREATE TABLE rescue_facts (
    ticket_id            TEXT PRIMARY KEY REFERENCES tickets(id),
    dealer_id            TEXT NOT NULL REFERENCES dealers(id),
    call_time            TIMESTAMP NOT NULL,
    response_level       INTEGER NOT NULL,
    outcome              TEXT NOT NULL,
    response_started_at  TIMESTAMP,
    approved_at          TIMESTAMP,
    departed_at          TIMESTAMP,
    on_site_at           TIMESTAMP,
    resolved_at          TIMESTAMP,
    mismatch             BOOLEAN NOT NULL,
    plan_id              TEXT REFERENCES plans(id),
    cost_fen             BIGINT,
    written_at           TIMESTAMP NOT NULL
);
CREATE INDEX rescue_facts_dealer_call ON rescue_facts(dealer_id, call_time);
