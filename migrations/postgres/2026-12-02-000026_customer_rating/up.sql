-- The customer may rate the rescue on their status link (issue 13): the follow-up is then answered
-- by the customer, not an agent (done_by stays empty, by_customer says so), and a low score opens
-- a complaint nobody signed in opened: complaints.opened_by becomes optional, empty exactly for a
-- complaint opened from the customer's link.
ALTER TABLE follow_ups ADD COLUMN by_customer BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE complaints ALTER COLUMN opened_by DROP NOT NULL;
