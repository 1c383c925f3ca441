-- Back to required coordinates: a ticket still waiting for its location gets
-- its dealer's position (the best guess there is), as the old schema needs one.
UPDATE tickets t SET lat = d.lat, lon = d.lon FROM dealers d
    WHERE d.id = t.dealer_id AND t.lat IS NULL;
ALTER TABLE tickets
    DROP CONSTRAINT tickets_location_pending,
    DROP CONSTRAINT tickets_coordinates_pair,
    DROP COLUMN location_pending,
    ALTER COLUMN lat SET NOT NULL,
    ALTER COLUMN lon SET NOT NULL;
