-- The audit trail is append-only: no statement may change or remove an event, whatever code or
-- role runs it (only a superuser disabling the trigger could). An attempt aborts its
-- transaction, so the change it was part of is lost too rather than half-recorded. Deployments
-- with a separate application role also `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events` from
-- it (README, "Audit trail").
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
