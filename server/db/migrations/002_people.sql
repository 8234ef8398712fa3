-- People: responders (grid workers, volunteers …), accounts with roles and scopes, sessions, display tokens.
CREATE TABLE responders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  name text NOT NULL,
  phone text,
  kind text NOT NULL,
  skills text[] NOT NULL DEFAULT '{general}',
  team text,
  duty_status text NOT NULL DEFAULT 'off_duty'
    CHECK (duty_status IN ('off_duty', 'available', 'offered', 'en_route', 'on_site')),
  duty_since timestamptz,
  consented_location_at timestamptz
);
CREATE INDEX responders_on_duty ON responders (street_office_id) WHERE duty_status <> 'off_duty';

CREATE TABLE responder_grids (
  responder_id bigint NOT NULL REFERENCES responders(id) ON DELETE CASCADE,
  grid_id bigint NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
  PRIMARY KEY (responder_id, grid_id)
);
CREATE INDEX responder_grids_grid ON responder_grids (grid_id);

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'duty', 'leader', 'manager', 'responder')),
  display_name text NOT NULL,
  responder_id bigint UNIQUE REFERENCES responders(id),
  disabled boolean NOT NULL DEFAULT false,
  CHECK ((role = 'responder') = (responder_id IS NOT NULL))
);

-- A grid leader's scope: the grids they lead.
CREATE TABLE user_grids (
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  grid_id bigint NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, grid_id)
);

CREATE TABLE sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- Read-only tokens for wall screens; the token itself is only shown once, its hash is stored.
CREATE TABLE display_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  token_hash bytea NOT NULL UNIQUE,
  label text NOT NULL,
  revoked_at timestamptz
);
