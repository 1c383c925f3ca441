DROP TABLE location_shares;
DROP TABLE links;
DROP TABLE app_secrets;
ALTER TABLE outbox DROP COLUMN provider_id;
ALTER TABLE outbox DROP COLUMN params;
