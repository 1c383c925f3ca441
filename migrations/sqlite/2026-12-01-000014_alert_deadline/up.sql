-- The timer worker's alerts carry the deadline they were about (the reports count breaches and
-- how late they were) and the response level in force when they fired (a level can be raised
-- later; the report counts the promise that was broken). Earlier rows have neither.
ALTER TABLE sla_alerts ADD COLUMN deadline TIMESTAMP;
ALTER TABLE sla_alerts ADD COLUMN response_level INTEGER;
CREATE INDEX sla_alerts_created ON sla_alerts(created_at);
