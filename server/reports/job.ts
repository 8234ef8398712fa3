// Keeps the report rollups current: every few seconds one instance (its own advisory lock, so the SLA clock's job
// never waits behind a long build) works through the queue of changed tickets, within a time budget per pass.
import type { Deps } from '../http/types.ts';
import { refreshRollups } from './rollup.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';

const ROLLUP_LOCK = ADVISORY_LOCKS.reportRollups;
const EVERY_MS = 2000;
const BUDGET_MS = 1500;

export interface RollupJob { start(): void; stop(): Promise<void>; tick(): Promise<void> }

export function createRollupJob({ sql, log }: Deps): RollupJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;

  async function tick() {
    const conn = await sql.reserve();
    try {
      const [{ ok }] = await conn<{ ok: boolean }[]>`SELECT pg_try_advisory_lock(${ROLLUP_LOCK}) AS ok`;
      if (!ok) return;
      try {
        const r = await refreshRollups(sql, { budgetMs: BUDGET_MS });
        if (r.tickets) log.debug(r, 'report rollups refreshed');
      } finally {
        await conn`SELECT pg_advisory_unlock(${ROLLUP_LOCK})`;
      }
    } finally {
      conn.release();
    }
  }

  const safeTick = () => {
    if (running) return running;
    running = tick().catch((err) => log.warn({ err }, 'report rollup failed')).finally(() => { running = null; });
    return running;
  };

  return {
    start() { timer = setInterval(() => void safeTick(), EVERY_MS); },
    async stop() { clearInterval(timer); await running; },
    tick: safeTick,
  };
}
