DELETE FROM user_roles WHERE role = 'parts_manager';
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN (
    'call_agent', 'workshop_lead', 'service_manager', 'service_director', 'parts_desk',
    'technician', 'admin'));
ALTER TABLE sourcing_orders DROP COLUMN cancel_reason;
ALTER TABLE sourcing_orders DROP COLUMN cancelled_at;
ALTER TABLE sourcing_orders DROP COLUMN consumed_at;
ALTER TABLE sourcing_orders DROP COLUMN received_by;
ALTER TABLE sourcing_orders DROP COLUMN received_at;
ALTER TABLE sourcing_orders DROP COLUMN shipped_at;
ALTER TABLE sourcing_orders DROP COLUMN placed_at;
ALTER TABLE sourcing_orders DROP COLUMN destination;
