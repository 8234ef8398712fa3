// Keeps the report rollups current: every few seconds one instance (its own advisory lock, so the SLA clock's job
// never waits behind a long build) works through the queue of changed tickets, within a time budget per pass.
import type { Deps } from '../http/types.ts';
import { refreshRollups } from './rollup.ts';
import { ADVISORY_LOCKS, lockedJob, type PeriodicJob } from '../db/locks.ts';

const EVERY_MS = 2000;
const BUDGET_MS = 1500;

export type RollupJob = PeriodicJob;

export function createRollupJob({ sql, log }: Deps): RollupJob {
  return lockedJob({
    sql, log, lock: ADVISORY_LOCKS.reportRollups, everyMs: EVERY_MS, what: 'report rollup',
    async run() {
      const r = await refreshRollups(sql, { budgetMs: BUDGET_MS });
      if (r.tickets) log.debug(r, 'report rollups refreshed');
    },
  });
}
