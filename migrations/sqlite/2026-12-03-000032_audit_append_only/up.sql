-- The audit trail is append-only: no statement may change or remove an event, whatever code
-- runs it (issue 15). An attempt aborts its transaction, so the change it was part of is lost
-- too rather than half-recorded.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
