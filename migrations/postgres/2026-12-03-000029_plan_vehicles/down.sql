DROP TABLE plan_vehicles;
