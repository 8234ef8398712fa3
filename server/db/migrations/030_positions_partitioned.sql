-- Position history partitioned by day (native declarative partitioning: pg_partman is not among the extensions the
-- embedded PostgreSQL package ships). Retention drops whole partitions instead of a DELETE with its vacuum debt and
-- index bloat; the job and every start-up create the partitions ahead, so an insert never lacks one. The rows of the
-- unpartitioned table are moved into daily partitions in this migration.

ALTER TABLE positions RENAME TO positions_unpartitioned;
ALTER INDEX positions_at RENAME TO positions_unpartitioned_at;
ALTER INDEX positions_responder RENAME TO positions_unpartitioned_responder;

CREATE TABLE positions (
  responder_id bigint NOT NULL,
  at timestamptz NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  accuracy real NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (at);
-- Each partition gets both: BRIN for time ranges within a day, the btree for one responder's track.
CREATE INDEX positions_at ON positions USING brin (at);
CREATE INDEX positions_responder ON positions (responder_id, at);


-- The positions partitions with their bounds, read from the catalog (the one truth; no bookkeeping table to drift).
-- pg_get_expr renders the bounds in this session's time zone with their offset, so the cast back is exact.
CREATE FUNCTION gridops_position_partitions() RETURNS TABLE (name text, from_at timestamptz, to_at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT c.relname::text,
         substring(pg_get_expr(c.relpartbound, c.oid) FROM $re$FROM \('([^']+)'\)$re$)::timestamptz,
         substring(pg_get_expr(c.relpartbound, c.oid) FROM $re$TO \('([^']+)'\)$re$)::timestamptz
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  -- resolved when run, not when the function is parsed
  WHERE i.inhparent = 'positions'::text::regclass
  ORDER BY 2
$$;

-- Makes sure every instant from `from_at` to `to_at` has a partition: one per local day of `zone`, each from local
-- midnight to the next (computed through local dates, so the session's TimeZone and DST never shift a bound).
-- Partitions stay contiguous: new ones continue from the highest existing bound, so a changed zone yields one
-- partial day and never an overlap. Serialised by an advisory lock (several instances start together).
-- Returns the names of the partitions it created.
CREATE FUNCTION gridops_ensure_position_partitions(zone text, from_at timestamptz, to_at timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  hi timestamptz;
  lo timestamptz;
  nxt timestamptz;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(727005);
  SELECT max(p.to_at) INTO hi FROM gridops_position_partitions() p;
  -- Before the highest bound everything is covered already; a gap left while no instance ran stays empty (positions
  -- older than a couple of minutes are refused at intake).
  lo := greatest(hi, ((from_at AT TIME ZONE zone)::date)::timestamp AT TIME ZONE zone);
  WHILE lo <= to_at LOOP
    nxt := (((lo AT TIME ZONE zone)::date + 1)::timestamp) AT TIME ZONE zone;
    part := 'positions_' || to_char(lo AT TIME ZONE zone, 'YYYYMMDD');
    -- A partial day (after a change of zone) or a name already taken gets the local time of its start as well.
    IF (lo AT TIME ZONE zone)::time <> '00:00' OR to_regclass(part) IS NOT NULL THEN
      part := part || '_' || to_char(lo AT TIME ZONE zone, 'HH24MI');
    END IF;
    EXECUTE format('CREATE TABLE %I PARTITION OF positions FOR VALUES FROM (%L) TO (%L)', part, lo, nxt);
    RETURN NEXT part;
    lo := nxt;
  END LOOP;
END $$;

-- Drops the partitions whose every row is older than `before` (upper bound at or before it); returns their names.
CREATE FUNCTION gridops_drop_position_partitions(before timestamptz) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  p record;
BEGIN
  PERFORM pg_advisory_xact_lock(727005);
  FOR p IN SELECT * FROM gridops_position_partitions() WHERE to_at <= before ORDER BY to_at LOOP
    EXECUTE format('DROP TABLE %I', p.name);
    RETURN NEXT p.name;
  END LOOP;
END $$;

-- Partitions for the old rows' days (and at least yesterday) through tomorrow, in China Standard Time (the config's
-- default zone; the job continues from the last bound in whatever LOCATION_PARTITION_TZ says), then the rows.
SELECT count(*) FROM gridops_ensure_position_partitions('Asia/Shanghai',
  least((SELECT min(at) FROM positions_unpartitioned), now() - interval '1 day'),
  greatest((SELECT max(at) FROM positions_unpartitioned), now() + interval '1 day'));
INSERT INTO positions (responder_id, at, lat, lng, accuracy, received_at)
  SELECT responder_id, at, lat, lng, accuracy, received_at FROM positions_unpartitioned;
DROP TABLE positions_unpartitioned;
