// Builds the report rollups (migration 020): per closed local day the counters of every dimension and the duration
// histograms, over the tickets settled at build time; per finished month the sums for the wide dimensions (grid,
// responder) and the histograms. A day is rebuilt whenever its version moved; a report never trusts a stale cell.
import { COUNTERS, HIST_METRICS } from '../../shared/metrics.ts';
import { CLOCK_EXCLUDED_STATUSES } from '../../shared/sla.ts';
import { LATE_CAUSES, WHY_LATE_THRESHOLDS } from '../../shared/why-late.ts';
import { addDays, localDay, localDayStartMs } from '../../shared/reports.ts';
import type { Sql } from '../db/connect.ts';
import { counterColumns, DIMS, dimKeySql, histValuesSql, SATISFIED_MIN_RATING, settlesAtSql, type Dim } from './counters.ts';
import { factsSql, type Q } from './facts.ts';

/** Dimensions also rolled up per month (the others are small enough per day for a year's report). */
export const MONTH_DIMS: readonly Dim[] = ['grid', 'responder'];

/**
 * Everything a cell's content depends on besides the tickets: a build with another layout is stale, so changing a
 * counter, a dimension or a rule rebuilds the rollups instead of mixing old and new definitions.
 */
export const LAYOUT = fingerprint(JSON.stringify({ v: 1, COUNTERS, DIMS, MONTH_DIMS, HIST_METRICS, LATE_CAUSES, WHY_LATE_THRESHOLDS, CLOCK_EXCLUDED_STATUSES, SATISFIED_MIN_RATING }));

function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16).padStart(8, '0');
}

interface Office { id: string; utc_offset_min: number }

async function offices(sql: Q): Promise<Office[]> {
  return sql<Office[]>`SELECT id, utc_offset_min FROM street_offices ORDER BY id`;
}

/** Gives every local day from the office's first ticket to yesterday a row whose version the triggers bump. */
export async function ensureDays(sql: Q, so: Office, nowMs: number): Promise<void> {
  const [first] = await sql<{ at: Date | null }[]>`SELECT min(reported_at) AS at FROM tickets WHERE street_office_id = ${so.id}`;
  if (!first?.at) return;
  const from = localDay(first.at.getTime(), so.utc_offset_min), yesterday = addDays(localDay(nowMs, so.utc_offset_min), -1);
  if (from > yesterday) return;
  await sql`
    INSERT INTO report_days (street_office_id, day)
    SELECT ${so.id}, d::date FROM generate_series(${from}::date, ${yesterday}::date, interval '1 day') d
    ON CONFLICT DO NOTHING`;
}

/** Closed days whose cells are missing or stale, newest first. */
export async function staleDays(sql: Q, so: Office, limit: number): Promise<string[]> {
  const rows = await sql<{ day: string }[]>`
    SELECT d.day::text AS day FROM report_days d
    LEFT JOIN report_builds b ON b.street_office_id = d.street_office_id AND b.day = d.day
    WHERE d.street_office_id = ${so.id}
      AND (b.day IS NULL OR b.built_version <> d.version OR b.utc_offset_min <> ${so.utc_offset_min} OR b.layout <> ${LAYOUT})
    ORDER BY d.day DESC LIMIT ${limit}`;
  return rows.map((r) => r.day);
}

/**
 * Rebuilds one day's cells from the tickets settled now, in one snapshot with the version it records. `atMs` judges
 * them at another instant (tests with a fixed clock); it must not be later than the database's now.
 */
export async function buildDay(sql: Sql, so: Office, day: string, atMs?: number): Promise<void> {
  await sql.begin('ISOLATION LEVEL REPEATABLE READ', async (tx) => {
    const [{ version, built_at }] = await tx<{ version: string; built_at: Date }[]>`
      SELECT coalesce((SELECT version FROM report_days WHERE street_office_id = ${so.id} AND day = ${day}), 0)::text AS version,
        ${atMs == null ? tx`now()` : tx`least(now(), ${new Date(atMs)}::timestamptz)`} AS built_at`;
    const from = new Date(localDayStartMs(day, so.utc_offset_min)), to = new Date(localDayStartMs(addDays(day, 1), so.utc_offset_min));
    const facts = factsSql(tx, tx`t.street_office_id = ${so.id} AND t.reported_at >= ${from} AND t.reported_at < ${to}`);
    const settled = tx`(${settlesAtSql(tx, 'f0')} IS NULL OR ${settlesAtSql(tx, 'f0')} < ${built_at})`;
    await tx`DELETE FROM report_cells WHERE street_office_id = ${so.id} AND grain = 'd' AND period = ${day}`;
    await tx`DELETE FROM report_hist WHERE street_office_id = ${so.id} AND grain = 'd' AND period = ${day}`;
    const perDim = DIMS.map((dim) => tx`
      SELECT ${tx.unsafe(`'${dim}'`)} AS dim, ${dimKeySql(tx, dim, built_at)} AS key, ${counterColumns(tx, built_at)} FROM f GROUP BY 2`)
      .reduce((a, b) => tx`${a} UNION ALL ${b}`);
    await tx`
      WITH f AS MATERIALIZED (SELECT f0.* FROM ${facts} f0 WHERE ${settled})
      INSERT INTO report_cells (street_office_id, grain, period, dim, key, ${tx.unsafe(COUNTERS.join(', '))})
      SELECT ${so.id}, 'd', ${day}::date, x.* FROM (${perDim}) x`;
    await tx`
      INSERT INTO report_hist (street_office_id, grain, period, metric, value, n)
      SELECT ${so.id}, 'd', ${day}::date, v.metric, v.value, count(*)
      FROM ${facts} f0 CROSS JOIN LATERAL ${histValuesSql(tx, 'f0')} AS v(metric, value)
      WHERE ${settled} AND v.value IS NOT NULL GROUP BY v.metric, v.value`;
    await tx`
      INSERT INTO report_builds (street_office_id, day, built_version, built_at, utc_offset_min, layout)
      VALUES (${so.id}, ${day}, ${version}, ${built_at}, ${so.utc_offset_min}, ${LAYOUT})
      ON CONFLICT (street_office_id, day) DO UPDATE SET built_version = EXCLUDED.built_version, built_at = EXCLUDED.built_at,
        utc_offset_min = EXCLUDED.utc_offset_min, layout = EXCLUDED.layout`;
  });
}

/** Sums the day cells of every finished month whose days are all current and changed since its last sum. */
export async function buildMonths(sql: Sql, so: Office, nowMs: number): Promise<number> {
  const thisMonth = localDay(nowMs, so.utc_offset_min).slice(0, 7) + '-01';
  const due = await sql<{ month: string }[]>`
    WITH m AS (
      SELECT date_trunc('month', d.day)::date AS month, count(*) AS days, max(b.built_at) AS days_built_at,
        bool_and(b.built_version = d.version AND b.utc_offset_min = ${so.utc_offset_min} AND b.layout = ${LAYOUT}) AS current
      FROM report_days d LEFT JOIN report_builds b ON b.street_office_id = d.street_office_id AND b.day = d.day
      WHERE d.street_office_id = ${so.id} AND d.day < ${thisMonth}::date
      GROUP BY 1)
    SELECT m.month::text AS month FROM m
    LEFT JOIN report_month_builds mb ON mb.street_office_id = ${so.id} AND mb.month = m.month
    WHERE m.current AND m.days = extract(day FROM (m.month + interval '1 month' - interval '1 day'))
      AND (mb.month IS NULL OR mb.days_built_at <> m.days_built_at OR mb.layout <> ${LAYOUT})`;
  for (const { month } of due) {
    await sql.begin('ISOLATION LEVEL REPEATABLE READ', async (tx) => {
      const next = tx`(${month}::date + interval '1 month')::date`;
      const [state] = await tx<{ ok: boolean; days_built_at: Date }[]>`
        SELECT bool_and(b.built_version = d.version AND b.layout = ${LAYOUT}) AS ok, max(b.built_at) AS days_built_at
        FROM report_days d JOIN report_builds b ON b.street_office_id = d.street_office_id AND b.day = d.day
        WHERE d.street_office_id = ${so.id} AND d.day >= ${month}::date AND d.day < ${next}`;
      if (!state?.ok) return; // a day moved meanwhile: the next run rebuilds it first
      await tx`DELETE FROM report_cells WHERE street_office_id = ${so.id} AND grain = 'm' AND period = ${month}`;
      await tx`DELETE FROM report_hist WHERE street_office_id = ${so.id} AND grain = 'm' AND period = ${month}`;
      await tx`
        INSERT INTO report_cells (street_office_id, grain, period, dim, key, ${tx.unsafe(COUNTERS.join(', '))})
        SELECT ${so.id}, 'm', ${month}::date, dim, key, ${tx.unsafe(COUNTERS.map((c) => `sum(${c})`).join(', '))}
        FROM report_cells WHERE street_office_id = ${so.id} AND grain = 'd' AND dim = ANY(${MONTH_DIMS as string[]})
          AND period >= ${month}::date AND period < ${next} GROUP BY dim, key`;
      await tx`
        INSERT INTO report_hist (street_office_id, grain, period, metric, value, n)
        SELECT ${so.id}, 'm', ${month}::date, metric, value, sum(n)
        FROM report_hist WHERE street_office_id = ${so.id} AND grain = 'd' AND period >= ${month}::date AND period < ${next}
        GROUP BY metric, value`;
      await tx`
        INSERT INTO report_month_builds (street_office_id, month, days_built_at, layout) VALUES (${so.id}, ${month}, ${state.days_built_at}, ${LAYOUT})
        ON CONFLICT (street_office_id, month) DO UPDATE SET days_built_at = EXCLUDED.days_built_at, layout = EXCLUDED.layout`;
    });
  }
  return due.length;
}

export interface RefreshResult { days: number; months: number; pending: number }

/**
 * One pass of the rollup job: new closed days, stale days (newest first) while the time budget lasts, then months.
 * Runs on one instance at a time (server/reports/job.ts).
 */
/** `nowMs`: a fixed clock for tests (builds judge at it; days up to its yesterday). */
export async function refreshRollups(sql: Sql, opts: { budgetMs?: number; nowMs?: number } = {}): Promise<RefreshResult> {
  const started = Date.now(), budget = opts.budgetMs ?? Number.POSITIVE_INFINITY;
  const nowMs = opts.nowMs ?? Date.now();
  const atMs = opts.nowMs;
  const out: RefreshResult = { days: 0, months: 0, pending: 0 };
  for (const so of await offices(sql)) {
    await ensureDays(sql, so, nowMs);
    const stale = await staleDays(sql, so, 1000);
    let i = 0;
    for (; i < stale.length && Date.now() - started < budget; i++) await buildDay(sql, so, stale[i], atMs);
    out.days += i;
    out.pending += stale.length - i;
    if (i === stale.length) out.months += await buildMonths(sql, so, nowMs);
  }
  return out;
}

