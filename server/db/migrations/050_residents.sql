-- Residents report, follow and rate (the public /report and /t/<code> pages), and the Open311 GeoReport v2 API.

-- The tracking code is shown once to the resident and kept only as its SHA-256. A retry of the same report (same
-- idempotency key, made on the phone) must show the same code again: it is also kept sealed (AES-256-GCM) under a
-- key derived from that idempotency key, which only the reporting phone knows.
ALTER TABLE tickets
  ADD COLUMN tracking_hash bytea UNIQUE,
  ADD COLUMN tracking_sealed bytea,
  -- Values of the category's attributes (Open311 attribute[code], the report form's extra questions).
  ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}',
  -- How an outside report came in: Open311 key, email, device and account ids, media_url, compound (address_id).
  ADD COLUMN intake jsonb NOT NULL DEFAULT '{}',
  -- The resident's own rating on the tracking page (one per resolution: allowed again after a reopen).
  ADD COLUMN resident_rated_at timestamptz;

-- Photos a resident attached on the report page (at most RESIDENT_MAX_PHOTOS of them per ticket).
-- A resident's retry of one photo (its idempotency key, made on the phone) finds the photo it stored the first time.
ALTER TABLE ticket_photos
  ADD COLUMN by_resident boolean NOT NULL DEFAULT false,
  ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX ticket_photos_idempotency ON ticket_photos (ticket_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The community secretary's 24-hour phone (社区书记联系卡): offered when a place is outside every grid.
ALTER TABLE communities ADD COLUMN phone text;

-- A category's group on the residents' page and in Open311's service list, and whether its requests may be published
-- with their details (help for an elderly household or a neighbour dispute must not be mapped for everyone to read).
ALTER TABLE categories
  ADD COLUMN group_zh text NOT NULL DEFAULT '综合',
  ADD COLUMN group_en text NOT NULL DEFAULT 'General',
  -- Groups are shown in this order (the most reported first).
  ADD COLUMN group_position int NOT NULL DEFAULT 99,
  ADD COLUMN public_detail boolean NOT NULL DEFAULT true,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Extra questions a category asks (Open311 service definition attributes), e.g. the floor of a failed elevator.
CREATE TABLE category_attributes (
  category text NOT NULL REFERENCES categories(code) ON DELETE CASCADE,
  code text NOT NULL,
  datatype text NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  required boolean NOT NULL DEFAULT false,
  -- false: shown as information only (no input).
  variable boolean NOT NULL DEFAULT true,
  position int NOT NULL CHECK (position > 0),
  description_zh text NOT NULL,
  description_en text NOT NULL,
  datatype_description text,
  -- For the list types: [{ "key": "...", "zh": "...", "en": "..." }].
  choices jsonb NOT NULL DEFAULT '[]',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (category, code),
  UNIQUE (category, position)
);

-- Open311 jurisdiction_id of each street office (unique across the endpoint); a new office gets one by default.
ALTER TABLE street_offices ADD COLUMN jurisdiction_id text UNIQUE;
UPDATE street_offices SET jurisdiction_id = 'street-office-' || id WHERE jurisdiction_id IS NULL;
CREATE FUNCTION street_offices_jurisdiction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.jurisdiction_id := coalesce(NEW.jurisdiction_id, 'street-office-' || NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER street_offices_jurisdiction BEFORE INSERT ON street_offices
  FOR EACH ROW EXECUTE FUNCTION street_offices_jurisdiction();
ALTER TABLE street_offices ALTER COLUMN jurisdiction_id SET NOT NULL;

-- Open311 API keys: issued by an administrator (admin page or `npm run open311-key`), shown once, kept as SHA-256.
CREATE TABLE open311_keys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  name text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- NULL when made on the command line.
  created_by bigint REFERENCES users(id),
  last_used_at timestamptz,
  revoked_at timestamptz
);
-- A name names one live key (the command line revokes by name); a revoked name may be issued again.
CREATE UNIQUE INDEX open311_keys_live_name ON open311_keys (street_office_id, name) WHERE revoked_at IS NULL;

-- Open311 requests whose place could not be found (an address_string that names no known compound): they wait for
-- duty staff to place them; the client was given a token, which answers the ticket's id once it exists.
CREATE TABLE open311_pending (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  token text NOT NULL UNIQUE,
  key_id bigint NOT NULL REFERENCES open311_keys(id),
  category text NOT NULL REFERENCES categories(code),
  request jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  ticket_id bigint REFERENCES tickets(id),
  placed_at timestamptz,
  placed_by bigint REFERENCES users(id)
);
CREATE INDEX open311_pending_open ON open311_pending (street_office_id, received_at) WHERE ticket_id IS NULL;
