-- Sourcing orders get their journey: where the part goes (the dealer's shelf or
-- straight to the rescue site), when each step happened, and who received it.
ALTER TABLE sourcing_orders ADD COLUMN destination TEXT NOT NULL DEFAULT 'dealer'
    CHECK (destination IN ('dealer', 'site'));
ALTER TABLE sourcing_orders ADD COLUMN placed_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN shipped_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN received_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN received_by TEXT REFERENCES users(id);
ALTER TABLE sourcing_orders ADD COLUMN consumed_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE sourcing_orders ADD COLUMN cancel_reason TEXT;

-- The parts manager (配件经理) reviews monitored parts.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN (
    'call_agent', 'workshop_lead', 'service_manager', 'service_director', 'parts_desk',
    'parts_manager', 'technician', 'admin'));
