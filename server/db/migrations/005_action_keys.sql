-- Idempotency keys of ticket actions and photo uploads: a phone that retries after a lost answer
-- gets the original outcome, and nothing is done twice.
CREATE TABLE action_keys (
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key text NOT NULL,
  ticket_id bigint NOT NULL REFERENCES tickets(id),
  action text NOT NULL,
  result_id bigint,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);

-- Auto-dispatch can be switched per grid (categories carry their own switch).
ALTER TABLE grids ADD COLUMN auto_dispatch boolean NOT NULL DEFAULT true;
