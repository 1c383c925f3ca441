-- The platform catalogue admin (平台配件目录管理员) alone changes the shared parts catalogue.
ALTER TABLE user_roles DROP CONSTRAINT user_roles_role_check;
ALTER TABLE user_roles ADD CONSTRAINT user_roles_role_check CHECK (role IN (
    'call_agent', 'workshop_lead', 'service_manager', 'service_director', 'parts_desk',
    'parts_manager', 'technician', 'admin', 'catalogue_admin'));
