-- A hold on a sourcing order: set when the crew reports that the fault does not
-- match the plan (the order was for the old plan), cleared when the revised plan
-- keeps the part, gone with the order when it cancels it. A flag beside the
-- status, not a status: a held order is still proposed, reviewed or placed (a
-- placed transfer keeps the sister dealer's units on hold), it just may not move.
ALTER TABLE sourcing_orders ADD COLUMN held_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN hold_reason TEXT;
