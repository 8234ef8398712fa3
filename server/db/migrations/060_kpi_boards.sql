-- The wall's KPI board, computed once per street office for every instance (server/metrics/board.ts): at a city's
-- evening (50,000 tickets that day, ~20,000 still open) one computation costs PostgreSQL ~0.35 s, and every instance
-- recomputing it each second after ticket changes, and every screen's snapshot reading it again, would make it the
-- database's largest load.
CREATE TABLE kpi_boards (
  street_office_id bigint PRIMARY KEY REFERENCES street_offices(id) ON DELETE CASCADE,
  board jsonb NOT NULL,
  -- The change stream's position when it was computed: it includes every change up to there.
  seq bigint NOT NULL,
  -- When the computation started (the application's clock): every change committed before then is in it.
  computed_at timestamptz NOT NULL,
  took_ms integer NOT NULL
);
