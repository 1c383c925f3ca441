DELETE FROM user_roles WHERE role = 'catalogue_admin';
CREATE TABLE user_roles_old (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('call_agent', 'workshop_lead', 'service_manager',
                                           'service_director', 'parts_desk', 'parts_manager',
                                           'technician', 'admin')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_old (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_old RENAME TO user_roles;
