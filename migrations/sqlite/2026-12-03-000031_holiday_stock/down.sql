DROP TABLE holiday_stock_lines;
DROP TABLE holiday_stock_lists;
