-- The monthly report reads the milestone events of 500 tickets at a time. With only
-- audit_events_ticket (ticket_id, created_at) and audit_events_action_time (action, created_at)
-- SQLite took the action index and read every milestone event of the whole trail per batch: a
-- group's year (20 dealers, 15,248 tickets) took 18 s. Ticket and action lead here, so a batch reads
-- its own tickets' events only. Complaints were read by ticket with no index at all.
CREATE INDEX audit_events_ticket_action ON audit_events(ticket_id, action, created_at);
CREATE INDEX complaints_ticket ON complaints(ticket_id);
