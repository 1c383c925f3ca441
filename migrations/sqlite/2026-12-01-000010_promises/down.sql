DROP TABLE sla_alerts;
DROP TABLE ticket_pauses;
