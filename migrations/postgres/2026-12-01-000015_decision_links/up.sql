-- One-tap decision links (scope 'decide'): the plan version the link was sent for. A new version
-- makes the link void; job and status links have none.
ALTER TABLE links ADD COLUMN plan_version INTEGER;
ALTER TABLE links DROP CONSTRAINT links_scope_check;
ALTER TABLE links ADD CONSTRAINT links_scope_check CHECK (scope IN ('job', 'status', 'decide'));
ALTER TABLE links ADD CONSTRAINT links_decide_version
    CHECK ((scope = 'decide') = (plan_version IS NOT NULL));
