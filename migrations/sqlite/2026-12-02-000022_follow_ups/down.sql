DROP TABLE complaint_steps;
DROP TABLE complaints;
DROP TABLE follow_ups;
