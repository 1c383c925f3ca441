DROP TABLE busy_overrides;
DROP TABLE ticket_signatures;
DROP TABLE ticket_photos;
