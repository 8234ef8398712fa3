// Every PostgreSQL advisory lock the product takes, in one table, so no two uses ever share an id (the demo
// simulator and the partition job once did, and each stalled the other). SQL functions that take one carry the same
// number (migration 030); test/platform.test.ts checks every number in the code and the migrations is listed here.
import type { Logger } from 'pino';
import type { Sql } from './connect.ts';

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
  /** The wall's KPI board (server/metrics/board.ts), with the street office as the second key: one instance computes it. */
  kpiBoard: 727007,
} as const;

export interface PeriodicJob { start(): void; stop(): Promise<void>; tick(): Promise<void> }

/**
 * A job that runs every `everyMs` on one instance at a time: a session-level try-lock on a reserved connection (an
 * instance that does not get it skips the beat), one run at a time per instance, failures logged, never thrown.
 */
export function lockedJob(o: {
  sql: Sql; log: Logger; lock: (typeof ADVISORY_LOCKS)[keyof typeof ADVISORY_LOCKS]; everyMs: number; what: string;
  run(): Promise<void>;
}): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  async function once() {
    const conn = await o.sql.reserve();
    try {
      const [{ ok }] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${o.lock}) AS ok`;
      if (!ok) return;
      try { await o.run(); } finally { await conn`SELECT pg_advisory_unlock(${o.lock})`; }
    } finally {
      conn.release();
    }
  }
  const tick = () => {
    if (running) return running;
    running = once().catch((err) => o.log.warn({ err }, `${o.what} failed`)).finally(() => { running = null; });
    return running;
  };
  return {
    start() { timer = setInterval(() => void tick(), o.everyMs); },
    async stop() { clearInterval(timer); await running; },
    tick,
  };
}
