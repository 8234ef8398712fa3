-- A report reads its period's histogram cells (a year: ~60,000 rows of whole seconds → tickets, per month, week and
-- odd day) by office, grain and period. With only the primary key (metric before period) that was a bitmap scan
-- visiting a heap page for every ~10 rows; this index holds all the columns the read needs, so each grain's select
-- (server/reports/read.ts) is an index-only scan.
CREATE INDEX report_hist_read ON report_hist (street_office_id, grain, period) INCLUDE (metric, value, n);
