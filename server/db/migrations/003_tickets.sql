-- Tickets, their append-only history, photos and offers.
CREATE TABLE tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  grid_id bigint NOT NULL REFERENCES grids(id),
  category text NOT NULL REFERENCES categories(code),
  channel text NOT NULL,
  urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  status text NOT NULL CHECK (status IN ('reported', 'dispatched', 'accepted', 'responded', 'resolved', 'closed', 'escalated', 'rejected', 'reopened')),
  description text NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  address text,
  reporter_name text,
  reporter_phone text,
  response_target_s int NOT NULL,
  resolution_target_s int NOT NULL,
  reported_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  accepted_at timestamptz,
  responded_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  escalated_at timestamptz,
  department_accepted_at timestamptz,
  rejected_at timestamptz,
  reopened_at timestamptz,
  assignee_id bigint REFERENCES responders(id),
  department text REFERENCES departments(code),
  escalation_due_at timestamptz,
  duplicate_of bigint REFERENCES tickets(id),
  rating smallint CHECK (rating BETWEEN 1 AND 5),
  reopen_count int NOT NULL DEFAULT 0,
  ever_resolved boolean NOT NULL DEFAULT false,
  version int NOT NULL DEFAULT 1,
  created_by bigint REFERENCES users(id),
  idempotency_key text
);
-- A retried create with the same key finds the original ticket.
CREATE UNIQUE INDEX tickets_idempotency ON tickets (street_office_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tickets_live ON tickets (street_office_id, status) WHERE status NOT IN ('closed', 'rejected');
CREATE INDEX tickets_reported ON tickets (street_office_id, reported_at);
CREATE INDEX tickets_grid ON tickets (grid_id, reported_at);
-- The SLA clock job looks for tickets still awaiting response.
CREATE INDEX tickets_awaiting_response ON tickets (reported_at) WHERE responded_at IS NULL AND status <> 'rejected';

CREATE TABLE ticket_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets(id),
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  from_status text,
  to_status text,
  actor_user_id bigint REFERENCES users(id),
  actor_responder_id bigint REFERENCES responders(id),
  actor_label text NOT NULL,
  reason text,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- History is append-only: updates and deletes are refused by the database itself.
CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ticket_events is append-only';
END $$;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();

-- Photos live in the database so that every server instance can serve them.
CREATE TABLE ticket_photos (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets(id),
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  uploaded_by bigint REFERENCES users(id)
);
CREATE INDEX ticket_photos_ticket ON ticket_photos (ticket_id);

CREATE TABLE offers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets(id),
  responder_id bigint NOT NULL REFERENCES responders(id),
  status text NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
  offered_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  answered_at timestamptz,
  offered_by bigint REFERENCES users(id)
);
-- One open offer per ticket and per responder: two leaders racing cannot double-book anyone.
CREATE UNIQUE INDEX offers_one_open_per_ticket ON offers (ticket_id) WHERE status = 'offered';
CREATE UNIQUE INDEX offers_one_open_per_responder ON offers (responder_id) WHERE status = 'offered';
CREATE INDEX offers_expiry ON offers (expires_at) WHERE status = 'offered';
