-- Whether the crew has arrived and stays on site while a revised plan goes
-- through consent and approval (exception B); decides where approval leads.
ALTER TABLE tickets ADD COLUMN crew_on_site BOOLEAN NOT NULL DEFAULT FALSE;
