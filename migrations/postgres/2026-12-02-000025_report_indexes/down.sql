DROP INDEX complaints_ticket;
DROP INDEX audit_events_ticket_action;
