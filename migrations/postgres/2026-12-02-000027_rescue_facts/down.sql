DROP TABLE rescue_facts;
