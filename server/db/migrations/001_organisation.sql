-- The organisation: street office → communities → grids; compounds for address search; catalogue tables.
CREATE TABLE street_offices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  center_lat double precision NOT NULL,
  center_lng double precision NOT NULL,
  -- The offset used for "today" in reports (China Standard Time by default).
  utc_offset_min int NOT NULL DEFAULT 480
);

CREATE TABLE communities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  name text NOT NULL,
  name_en text NOT NULL DEFAULT '',
  UNIQUE (street_office_id, name)
);

CREATE TABLE grids (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street_office_id bigint NOT NULL REFERENCES street_offices(id),
  community_id bigint NOT NULL REFERENCES communities(id),
  code text NOT NULL,
  name text NOT NULL,
  -- GeoJSON Polygon coordinates, WGS-84 [lng, lat]; the bbox columns pre-filter point-in-polygon.
  polygon jsonb NOT NULL,
  min_lng double precision NOT NULL, min_lat double precision NOT NULL,
  max_lng double precision NOT NULL, max_lat double precision NOT NULL,
  label_lat double precision NOT NULL, label_lng double precision NOT NULL,
  UNIQUE (street_office_id, code)
);
CREATE INDEX grids_bbox ON grids (street_office_id, min_lng, max_lng);

CREATE TABLE compounds (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  grid_id bigint NOT NULL REFERENCES grids(id),
  name text NOT NULL,
  lat double precision NOT NULL,
  lng double precision NOT NULL
);
CREATE INDEX compounds_name ON compounds (name text_pattern_ops);

CREATE TABLE categories (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  skill text NOT NULL,
  response_target_s int NOT NULL DEFAULT 600 CHECK (response_target_s > 0),
  resolution_target_s int NOT NULL CHECK (resolution_target_s > 0),
  auto_dispatch boolean NOT NULL DEFAULT true
);

CREATE TABLE departments (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL
);
