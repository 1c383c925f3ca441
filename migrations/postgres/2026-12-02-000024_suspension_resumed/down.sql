ALTER TABLE suspensions DROP COLUMN resumed_told_at;
