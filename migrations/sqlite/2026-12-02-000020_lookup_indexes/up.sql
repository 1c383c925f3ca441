-- The promise timer looks for the tickets whose stage ended since its last round (a breach no
-- round saw coming): milestone events by action and time, a range read instead of a scan of the
-- whole audit trail.
CREATE INDEX audit_events_action_time ON audit_events(action, created_at);
-- The technician recommendation reads the group's tickets that moved today (jobs done, the site
-- of the last one), and the busy rule reads a technician's crews: both without a table scan.
CREATE INDEX tickets_dealer_updated ON tickets(dealer_id, updated_at);
CREATE INDEX plan_crew_technician ON plan_crew(technician_id);
