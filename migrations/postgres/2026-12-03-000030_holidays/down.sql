DROP TABLE holiday_effects;
DROP TABLE holidays;
