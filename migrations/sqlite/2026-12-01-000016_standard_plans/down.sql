DROP TABLE plan_standard;
DROP TABLE standard_plan_items;
DROP TABLE standard_plan_tools;
DROP TABLE standard_plans;
