// Every PostgreSQL advisory lock the product takes, in one table, so no two uses ever share an id (the demo
// simulator and the partition job once did, and each stalled the other). SQL functions that take one carry the same
// number (migration 030); test/platform.test.ts checks every number in the code and the migrations is listed here.
export const ADVISORY_LOCKS = {
  /** Migrations: instances starting together apply them one at a time. */
  migrate: 727001,
  /** The change stream's outbox: publishers serialised from insert to commit, so seq order is commit order. */
  outbox: 727002,
  /** The periodic jobs (SLA clock, offer expiry, sweeper, retention): one instance at a time. */
  jobs: 727003,
  /** The demo simulator: one per database, held for its lifetime. */
  simulator: 727004,
  /** Creating and dropping position partitions (gridops_ensure/drop_position_partitions in migration 030). */
  partitions: 727005,
  /** The report rollups' job: its own lock, so the SLA clock's job never waits behind a long rollup build. */
  reportRollups: 727006,
} as const;
