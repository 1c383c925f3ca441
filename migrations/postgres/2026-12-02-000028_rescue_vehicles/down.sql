DROP TABLE vehicle_checks;
DROP TABLE rescue_vehicles;
