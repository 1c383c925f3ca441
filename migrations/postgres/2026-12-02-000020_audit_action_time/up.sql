-- The promise timer looks for the tickets whose stage ended since its last round (a breach no
-- round saw coming): milestone events by action and time, a range read instead of a scan of the
-- whole audit trail.
CREATE INDEX audit_events_action_time ON audit_events(action, created_at);
