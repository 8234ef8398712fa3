-- Report rollups (server/reports/rollup.ts). Every change to a ticket or its history queues the ticket; a job turns
-- each queued ticket into its facts row (server/reports/facts.ts) and, once its figures can no longer change by time
-- alone ("settled"), keeps that row in report_facts and adds it to the day's and the month's cells — subtracting
-- the row it replaces; an unsettled ticket goes to report_unsettled instead. Cells are therefore always the sum of
-- report_facts; a report adds, from the raw tables, the unsettled and the queued tickets, and subtracts the stored
-- rows of the queued ones.

-- A street office's local day; China has one offset and no DST (street_offices.utc_offset_min).
CREATE FUNCTION report_local_day(ts timestamptz, utc_offset_min int) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((ts AT TIME ZONE 'UTC') + make_interval(mins => utc_offset_min))::date $$;

-- What a street office's facts and cells were built with (counters, dimensions, rules, UTC offset): another layout
-- means they are rebuilt, and reports ignore them meanwhile.
CREATE TABLE report_state (
  street_office_id bigint PRIMARY KEY REFERENCES street_offices(id),
  layout text NOT NULL,
  utc_offset_min int NOT NULL
);

-- Tickets changed since the job last looked (append-only; the job deletes the entries it processed).
CREATE TABLE report_queue (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL
);
CREATE INDEX report_queue_ticket ON report_queue (ticket_id);

-- The settled tickets the cells hold, as they were added (same columns as factsSql()).
CREATE TABLE report_facts (
  id bigint PRIMARY KEY,
  street_office_id bigint NOT NULL,
  grid_id bigint NOT NULL,
  community_id bigint NOT NULL,
  category text NOT NULL,
  channel text NOT NULL,
  status text NOT NULL,
  day date NOT NULL,
  hour int NOT NULL,
  reported_at timestamptz NOT NULL,
  response_target_s int NOT NULL,
  responded_at timestamptz,
  resolution_target_s int NOT NULL,
  resolved_at timestamptz,
  escalated_at timestamptz,
  escalation_due_at timestamptz,
  rating smallint,
  reopen_count int NOT NULL,
  ever_resolved boolean NOT NULL,
  entered_at timestamptz,
  first_offer_at timestamptz,
  first_accept_at timestamptz,
  first_escalated_at timestamptz,
  passes int NOT NULL,
  alerted boolean NOT NULL,
  responder_id bigint
);
CREATE INDEX report_facts_day ON report_facts (street_office_id, day);

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

-- Tickets the job saw unsettled (their figures may still change by time alone), and when they will settle: a report
-- reads these live; the job queues them again once settles_at has passed.
CREATE TABLE report_unsettled (
  id bigint PRIMARY KEY,
  street_office_id bigint NOT NULL,
  reported_at timestamptz NOT NULL,
  settles_at timestamptz NOT NULL
);
CREATE INDEX report_unsettled_reported ON report_unsettled (street_office_id, reported_at);
CREATE INDEX report_unsettled_settles ON report_unsettled (street_office_id, settles_at);

-- Statement-level triggers (transition tables): one insert per statement however many rows it touched.
CREATE FUNCTION report_tickets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_queue (ticket_id) SELECT DISTINCT id FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION report_tickets_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_queue (ticket_id) SELECT DISTINCT id FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION report_tickets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_queue (ticket_id) SELECT DISTINCT id FROM old_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION report_events_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_queue (ticket_id) SELECT DISTINCT ticket_id FROM new_rows;
  RETURN NULL;
END $$;

CREATE TRIGGER report_tickets_ins AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_inserted();
CREATE TRIGGER report_tickets_upd AFTER UPDATE ON tickets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_updated();
CREATE TRIGGER report_tickets_del AFTER DELETE ON tickets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_tickets_deleted();
CREATE TRIGGER report_events_ins AFTER INSERT ON ticket_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION report_events_inserted();
