-- A caller who cannot say where they are is registered with the address alone:
-- the coordinates stay empty and the ticket is "location pending" until the
-- customer's phone sends its position through the status link.
ALTER TABLE tickets
    ALTER COLUMN lat DROP NOT NULL,
    ALTER COLUMN lon DROP NOT NULL,
    ADD COLUMN location_pending BOOLEAN NOT NULL DEFAULT FALSE,
    -- Both coordinates or neither, and none exactly while the location is pending.
    ADD CONSTRAINT tickets_coordinates_pair CHECK ((lat IS NULL) = (lon IS NULL)),
    ADD CONSTRAINT tickets_location_pending CHECK (location_pending = (lat IS NULL));
