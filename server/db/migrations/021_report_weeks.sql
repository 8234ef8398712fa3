-- Week cells beside the day and month cells (server/reports/rollup.ts): grain 'w', period = the Monday of the street
-- office's local ISO week. A rolling 30 days then reads about four weeks of cells instead of 30 days of them. The
-- rollups' layout fingerprint changed with it, so the job rebuilds each office's cells, weeks included, on its next run.
ALTER TABLE report_cells DROP CONSTRAINT report_cells_grain_check,
  ADD CONSTRAINT report_cells_grain_check CHECK (grain IN ('d', 'w', 'm'));
ALTER TABLE report_hist DROP CONSTRAINT report_hist_grain_check,
  ADD CONSTRAINT report_hist_grain_check CHECK (grain IN ('d', 'w', 'm'));
