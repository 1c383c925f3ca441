DROP INDEX audit_events_action_time;
