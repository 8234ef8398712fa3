-- Report rollups (server/reports/rollup.ts): the counters of shared/metrics.ts per street office, local day (and
-- month) and dimension, built by a job from the tickets and their history. A cell holds only tickets whose figures can
-- no longer change by time alone ("settled" when it was built); every change to a ticket or its history bumps its
-- day's version, so a report uses a day's cells only while they match, and reads the rest from the raw tables.

-- A street office's local day; China has one offset and no DST (street_offices.utc_offset_min).
CREATE FUNCTION report_local_day(ts timestamptz, utc_offset_min int) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((ts AT TIME ZONE 'UTC') + make_interval(mins => utc_offset_min))::date $$;

CREATE TABLE report_days (
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  day date NOT NULL,
  -- Bumped (by the triggers below) whenever a ticket reported that day, or its history, changes.
  version bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (street_office_id, day)
);

-- What a day's cells were built from: the day's version then, when, and with which layout (counters, dims, rules).
CREATE TABLE report_builds (
  street_office_id bigint NOT NULL,
  day date NOT NULL,
  built_version bigint NOT NULL,
  built_at timestamptz NOT NULL,
  utc_offset_min int NOT NULL,
  layout text NOT NULL,
  PRIMARY KEY (street_office_id, day)
);

-- A month's cells are the sum of its days' cells; valid while every day is and none was rebuilt since.
CREATE TABLE report_month_builds (
  street_office_id bigint NOT NULL,
  month date NOT NULL,
  days_built_at timestamptz NOT NULL,
  layout text NOT NULL,
  PRIMARY KEY (street_office_id, month)
);

CREATE TABLE report_cells (
  street_office_id bigint NOT NULL,
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period date NOT NULL,
  dim text NOT NULL,
  key text NOT NULL,
  reported int NOT NULL, excluded int NOT NULL,
  resp_due int NOT NULL, resp_on_time int NOT NULL, resp_open_late int NOT NULL, resp_n int NOT NULL, resp_sum_s bigint NOT NULL,
  accept_n int NOT NULL, accept_sum_s bigint NOT NULL, arrive_n int NOT NULL, arrive_sum_s bigint NOT NULL,
  resolved_n int NOT NULL, resolution_sum_s bigint NOT NULL, closed int NOT NULL,
  res_due int NOT NULL, res_on_time int NOT NULL, rated int NOT NULL, satisfied int NOT NULL,
  reopened int NOT NULL, ever_resolved int NOT NULL, escalated int NOT NULL, esc_due int NOT NULL, esc_on_time int NOT NULL,
  offer_passes int NOT NULL,
  PRIMARY KEY (street_office_id, grain, dim, period, key)
);

-- Distributions for exact nearest-rank percentiles: whole seconds (resolution: whole minutes) → tickets.
CREATE TABLE report_hist (
  street_office_id bigint NOT NULL,
  grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period date NOT NULL,
  metric text NOT NULL,
  value int NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (street_office_id, grain, metric, period, value)
);

-- Tickets whose figures may still change by time alone (unanswered or unresolved, not rejected): a report adds those a
-- day's cells left out. The status literal mirrors CLOCK_EXCLUDED_STATUSES (test/response-clock.test.ts checks it).
CREATE INDEX tickets_unsettled ON tickets (street_office_id, reported_at)
  WHERE status <> 'rejected' AND (responded_at IS NULL OR resolved_at IS NULL);

-- Statement-level triggers (transition tables): one UPDATE per statement however many rows it touched, and a no-op
-- for days without cells (today, which is always read raw).
CREATE FUNCTION report_days_touch(rows_so bigint[], rows_at timestamptz[]) RETURNS void LANGUAGE sql AS $$
  UPDATE report_days d SET version = d.version + 1
  FROM (SELECT DISTINCT x.so, report_local_day(x.at, s.utc_offset_min) AS day
        FROM unnest(rows_so, rows_at) AS x(so, at) JOIN street_offices s ON s.id = x.so) c
  WHERE d.street_office_id = c.so AND d.day = c.day
$$;

CREATE FUNCTION report_tickets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_touch(array_agg(street_office_id), array_agg(reported_at)) FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION report_tickets_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_touch(array_agg(so), array_agg(at))
  FROM (SELECT street_office_id AS so, reported_at AS at FROM new_rows UNION SELECT street_office_id, reported_at FROM old_rows) r;
  RETURN NULL;
END $$;
CREATE FUNCTION report_tickets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_touch(array_agg(street_office_id), array_agg(reported_at)) FROM old_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION report_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_days_touch(array_agg(t.street_office_id), array_agg(t.reported_at))
  FROM (SELECT DISTINCT ticket_id FROM new_rows) e JOIN tickets t ON t.id = e.ticket_id;
  RETURN NULL;
END $$;

CREATE TRIGGER report_tickets_ins AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_inserted();
CREATE TRIGGER report_tickets_upd AFTER UPDATE ON tickets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_updated();
CREATE TRIGGER report_tickets_del AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_deleted();
CREATE TRIGGER report_events_ins AFTER INSERT ON ticket_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_events_inserted();
