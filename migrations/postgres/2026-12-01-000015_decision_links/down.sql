DELETE FROM links WHERE scope = 'decide';
ALTER TABLE links DROP CONSTRAINT links_decide_version;
ALTER TABLE links DROP CONSTRAINT links_scope_check;
ALTER TABLE links ADD CONSTRAINT links_scope_check CHECK (scope IN ('job', 'status'));
ALTER TABLE links DROP COLUMN plan_version;
