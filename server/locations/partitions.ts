// Position history's daily partitions: made ahead (yesterday, today and tomorrow always exist) and dropped whole once
// expired. The SQL functions live in migration 030, which needs them to move an unpartitioned table over.
import type { Sql } from '../db/connect.ts';

export interface PositionPartition { name: string; from: Date; to: Date }

/** A DDL statement that would wait behind a long query gives up instead of stalling every flush queued behind it. */
const LOCK_TIMEOUT = '2s';
const DAY_MS = 86_400_000;

export async function listPositionPartitions(sql: Sql): Promise<PositionPartition[]> {
  const rows = await sql<{ name: string; from_at: Date; to_at: Date }[]>`SELECT name, from_at, to_at FROM gridops_position_partitions()`;
  return rows.map((r) => ({ name: r.name, from: r.from_at, to: r.to_at }));
}

/**
 * Creates what is missing so that every instant from a day before `now` to a day after it has a partition (one per
 * local day of `zone`): a point can be up to two minutes old, and tomorrow's partition exists a whole day early.
 * Returns the names created.
 */
export async function ensurePositionPartitions(sql: Sql, zone: string, now = new Date()): Promise<string[]> {
  const from = new Date(now.getTime() - DAY_MS), to = new Date(now.getTime() + DAY_MS);
  return sql.begin(async (tx) => {
    await tx`SELECT set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
    const rows = await tx<{ name: string }[]>`SELECT gridops_ensure_position_partitions(${zone}, ${from}, ${to}) AS name`;
    return rows.map((r) => r.name);
  });
}

/**
 * Retention (PIPL): drops every partition whose rows are all older than `retentionDays` — whole tables, so no
 * DELETE, no vacuum behind it. A point is therefore kept at least `retentionDays` and at most one day longer.
 */
export async function dropExpiredPositionPartitions(sql: Sql, retentionDays: number, now = new Date()): Promise<string[]> {
  const before = new Date(now.getTime() - retentionDays * DAY_MS);
  return sql.begin(async (tx) => {
    await tx`SELECT set_config('lock_timeout', ${LOCK_TIMEOUT}, true)`;
    const rows = await tx<{ name: string }[]>`SELECT gridops_drop_position_partitions(${before}) AS name`;
    return rows.map((r) => r.name);
  });
}
