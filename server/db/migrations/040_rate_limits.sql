-- Counters of the rate limits (server/limits/limits.ts), shared by every instance. The columns are the ones
-- rate-limiter-flexible's PostgreSQL store reads and writes (key = "<limit name>:<key>", expire in epoch ms); it is
-- told the table exists, so it never runs DDL at request time. UNLOGGED: counters are cheap to lose in a crash
-- (limits start afresh), and each failed sign-in then writes no WAL.
CREATE UNLOGGED TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
CREATE INDEX rate_limits_expire ON rate_limits (expire);
