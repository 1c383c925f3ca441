-- The platform catalogue admin (平台配件目录管理员) alone changes the shared parts
-- catalogue. SQLite cannot change a CHECK in place, so the roles table is rebuilt
-- as in 000004; nothing references it.
CREATE TABLE user_roles_new (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('call_agent', 'workshop_lead', 'service_manager',
                                           'service_director', 'parts_desk', 'parts_manager',
                                           'technician', 'admin', 'catalogue_admin')),
    PRIMARY KEY (user_id, role)
);
INSERT INTO user_roles_new (user_id, role) SELECT user_id, role FROM user_roles;
DROP TABLE user_roles;
ALTER TABLE user_roles_new RENAME TO user_roles;
