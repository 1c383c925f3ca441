DROP INDEX plan_crew_technician;
DROP INDEX tickets_dealer_updated;
DROP INDEX audit_events_action_time;
