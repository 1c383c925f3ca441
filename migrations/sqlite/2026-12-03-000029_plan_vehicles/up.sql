-- The rescue vehicle a plan version sends (救援车辆), like its crew a line of the version: a new
-- version names its own. `tows`: the car goes to the workshop, so the vehicle must be a tow
-- truck or flatbed (domain::fleet::check_tow). `override_reason`: the lead sent a vehicle that
-- was not ready or already out all the same, and said why; kept with the version so the crew
-- may depart later without being asked again.
CREATE TABLE plan_vehicles (
    plan_id          TEXT PRIMARY KEY REFERENCES plans(id),
    vehicle_id       TEXT NOT NULL REFERENCES rescue_vehicles(id),
    tows             BOOLEAN NOT NULL,
    override_reason  TEXT
);

-- Which tickets a vehicle is out on (the plan editor's marker, the board).
CREATE INDEX plan_vehicles_vehicle ON plan_vehicles (vehicle_id);
