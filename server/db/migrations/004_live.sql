-- The change stream (transactional outbox) and responders' positions.
CREATE TABLE changes (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  street_office_id bigint NOT NULL,
  -- Which scopes may see it: a grid (tickets) or a set of grids (responders); null = whole street office only.
  grid_ids bigint[] NOT NULL DEFAULT '{}',
  responder_id bigint,
  payload jsonb NOT NULL
);
CREATE INDEX changes_at ON changes (at);

CREATE TABLE positions (
  responder_id bigint NOT NULL,
  at timestamptz NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  accuracy real NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
-- Retention deletes by time; BRIN stays tiny on an append-mostly table.
CREATE INDEX positions_at ON positions USING brin (at);
CREATE INDEX positions_responder ON positions (responder_id, at);

CREATE TABLE latest_positions (
  responder_id bigint PRIMARY KEY REFERENCES responders(id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  accuracy real NOT NULL
);

-- Singleton rows for jobs that one instance at a time performs (SLA clock, offer expiry, pruning).
CREATE TABLE job_state (
  name text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);
