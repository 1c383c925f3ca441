DROP INDEX sla_alerts_created;
ALTER TABLE sla_alerts DROP COLUMN response_level;
ALTER TABLE sla_alerts DROP COLUMN deadline;
