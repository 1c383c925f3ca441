DROP TABLE crew_positions;
