DELETE FROM user_roles WHERE role = 'parts_manager';
CREATE TABLE user_roles_old (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('call_agent', 'workshop_lead', 'service_manager',
                                           'service_director', 'parts_desk', 'technician', 'admin')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_old (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_old RENAME TO user_roles;
ALTER TABLE sourcing_orders DROP COLUMN cancel_reason;
ALTER TABLE sourcing_orders DROP COLUMN cancelled_at;
ALTER TABLE sourcing_orders DROP COLUMN consumed_at;
ALTER TABLE sourcing_orders DROP COLUMN received_by;
ALTER TABLE sourcing_orders DROP COLUMN received_at;
ALTER TABLE sourcing_orders DROP COLUMN shipped_at;
ALTER TABLE sourcing_orders DROP COLUMN placed_at;
ALTER TABLE sourcing_orders DROP COLUMN destination;
