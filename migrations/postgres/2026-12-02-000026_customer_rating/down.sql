-- Back to a required opener: a complaint the customer opened from their link is put on its owner
-- (the service manager who answers for it), else on the first user of its dealer.
UPDATE complaints c SET opened_by = COALESCE(c.owner_id,
    (SELECT u.id FROM users u WHERE u.dealer_id = c.dealer_id ORDER BY u.created_at, u.id LIMIT 1))
    WHERE c.opened_by IS NULL;
ALTER TABLE complaints ALTER COLUMN opened_by SET NOT NULL;
ALTER TABLE follow_ups DROP COLUMN by_customer;
