ALTER TABLE sourcing_orders DROP COLUMN hold_reason;
ALTER TABLE sourcing_orders DROP COLUMN held_at;
