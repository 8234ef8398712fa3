-- Wall-screen links as a managed thing: who made them, for which community (NULL = the whole street office), when
-- last used; rotating replaces a link with a new token and revokes the old one.
ALTER TABLE display_tokens
  ADD COLUMN community_id bigint REFERENCES communities(id),
  ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN created_by bigint REFERENCES users(id),
  ADD COLUMN last_used_at timestamptz,
  ADD COLUMN replaced_by bigint REFERENCES display_tokens(id);

-- Each reveal of a resident's full phone number: who, when, which ticket (PIPL: access to personal information is
-- recorded). Append-only like the ticket history.
CREATE TABLE phone_reveals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id bigint NOT NULL REFERENCES tickets(id),
  user_id bigint NOT NULL REFERENCES users(id),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_reveals_ticket ON phone_reveals (ticket_id, at);
-- One trigger function for every append-only record (named by the table it guards); ticket_events moves onto it.
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER phone_reveals_no_update BEFORE UPDATE OR DELETE ON phone_reveals
  FOR EACH ROW EXECUTE FUNCTION append_only();
DROP TRIGGER ticket_events_no_update ON ticket_events;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OR DELETE ON ticket_events
  FOR EACH ROW EXECUTE FUNCTION append_only();
DROP FUNCTION ticket_events_append_only();

-- Auto-dispatch sweeper: when it last tried a ticket that was left waiting, so it retries at a measured pace.
ALTER TABLE tickets ADD COLUMN dispatch_swept_at timestamptz;
