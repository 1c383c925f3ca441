ALTER TABLE tickets DROP COLUMN crew_on_site;
