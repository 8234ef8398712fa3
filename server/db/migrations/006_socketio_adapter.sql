-- Large broadcasts between instances (over NOTIFY's 8,000-byte limit) are passed through this table by
-- @socket.io/postgres-adapter, which does not create it itself.
CREATE TABLE socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
