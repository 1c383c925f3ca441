-- A suspension that runs out at its end (not lifted early) tells its customers that service is
-- back, once: the timer marks the row when it has texted them (the guarded update decides
-- between workers).
ALTER TABLE suspensions ADD COLUMN resumed_told_at TIMESTAMP;
