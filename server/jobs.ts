// Periodic work that one instance at a time performs: SLA clock, offer expiry, the auto-dispatch sweeper, position
// partitions ahead, retention.
import type { Deps } from './http/types.ts';
import { emitSlaTransitions } from './live/clock.ts';
import { expireOffers } from './dispatch/expiry.ts';
import { sweepUndispatched } from './dispatch/sweep.ts';
import { ADVISORY_LOCKS, lockedJob, type PeriodicJob } from './db/locks.ts';
import { purgeExpiredLimits } from './limits/limits.ts';
import { dropExpiredPositionPartitions, ensurePositionPartitions } from './locations/partitions.ts';

const JOB_LOCK = ADVISORY_LOCKS.jobs;
const TICK_MS = 1000;
/** Partitions ahead and retention: every minute (tomorrow's partition exists a day early, so a missed run is harmless). */
const RETENTION_EVERY_MS = 60_000;
const SWEEP_EVERY_MS = 5_000;

export type Jobs = PeriodicJob;

export function createJobs(deps: Deps): Jobs {
  const { sql, config, log } = deps;
  let lastRetention = 0;
  let lastSweep = 0;

  // Only one instance runs the jobs at a time (lockedJob's try-lock).
  return lockedJob({
    sql, log, lock: JOB_LOCK, everyMs: TICK_MS, what: 'job tick',
    async run() {
      await emitSlaTransitions(sql);
      await expireOffers(deps);
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        await sweepUndispatched(deps);
      }
      if (Date.now() - lastRetention > RETENTION_EVERY_MS) {
        lastRetention = Date.now();
        const made = await ensurePositionPartitions(sql, config.locationPartitionTz);
        const dropped = await dropExpiredPositionPartitions(sql, config.locationRetentionDays);
        if (made.length || dropped.length) log.info({ made, dropped }, 'position partitions');
        // The outbox (ticket changes, kept an hour) and sessions stay small at a city's rate: plain DELETEs (README).
        await sql`DELETE FROM changes WHERE at < now() - interval '1 hour'`;
        await sql`DELETE FROM sessions WHERE expires_at < now()`;
        await purgeExpiredLimits(sql);
      }
    },
  });
}
