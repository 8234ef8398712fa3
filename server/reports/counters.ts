// The counters of shared/metrics.ts as SQL aggregates over facts rows (one expression per counter, a type error if
// one is missing), the histogram values, the dimension keys, and "settled": when a ticket's figures stop changing.
import { COUNTERS, HIST_METRICS, HIST_UNIT_S, type Counter, type HistMetric, type Histograms } from '../../shared/metrics.ts';
import { escalationClockSql, resolutionClockSql, responseClockSql, type Now } from '../tickets/response-clock.ts';
import type { Fragment, Q } from './facts.ts';
import { lateCauseSql } from './why-late-sql.ts';

/** Ratings at or above this count as satisfied (满意). */
export const SATISFIED_MIN_RATING = 4;

/** Whole seconds between two columns of the facts row. */
const secs = (sql: Q, from: Fragment, to: Fragment) => sql`floor(extract(epoch FROM (${to} - ${from})))::bigint`;

function parts(sql: Q, alias: string) {
  const col = (c: string): Fragment => sql`${sql(`${alias}.${c}`)}`;
  const clock = responseClockSql(sql, alias), res = resolutionClockSql(sql, alias), esc = escalationClockSql(sql, alias);
  const valid = sql`NOT ${clock.excluded}`;
  const responded = sql`(${valid} AND ${col('responded_at')} IS NOT NULL)`;
  const accepted = sql`(${valid} AND ${col('first_accept_at')} IS NOT NULL)`;
  const arrived = sql`(${accepted} AND ${col('responded_at')} >= ${col('first_accept_at')})`;
  const resolved = sql`(${valid} AND ${col('resolved_at')} IS NOT NULL)`;
  return {
    col, clock, res, esc, valid, responded, accepted, arrived, resolved,
    responseS: secs(sql, col('reported_at'), col('responded_at')),
    acceptS: secs(sql, col('reported_at'), col('first_accept_at')),
    arriveS: secs(sql, col('first_accept_at'), col('responded_at')),
    resolutionS: secs(sql, col('reported_at'), col('resolved_at')),
  };
}

/**
 * One aggregate per counter over the facts rows aliased `alias`, judged at `now`. With `weight` (a column of ±1)
 * each row counts that much: the rollup job subtracts a ticket's old row and adds its new one in one pass.
 */
export function counterSql(sql: Q, now: Now, alias = 'f', weight: Fragment | null = null): Record<Counter, Fragment> {
  const p = parts(sql, alias);
  const n = (cond: Fragment) => (weight ? sql`coalesce(sum(${weight}) FILTER (WHERE ${cond}), 0)` : sql`count(*) FILTER (WHERE ${cond})`);
  const sum = (v: Fragment, cond: Fragment) => sql`coalesce(sum(${weight ? sql`${weight} * ${v}` : v}) FILTER (WHERE ${cond}), 0)`;
  return {
    reported: weight ? sql`coalesce(sum(${weight}), 0)` : sql`count(*)`,
    excluded: n(p.clock.excluded),
    resp_due: n(p.clock.due(now)),
    resp_on_time: n(p.clock.onTime),
    resp_open_late: n(p.clock.overdue(now)),
    resp_n: n(p.responded),
    resp_sum_s: sum(p.responseS, p.responded),
    accept_n: n(p.accepted),
    accept_sum_s: sum(p.acceptS, p.accepted),
    arrive_n: n(p.arrived),
    arrive_sum_s: sum(p.arriveS, p.arrived),
    resolved_n: n(p.resolved),
    resolution_sum_s: sum(p.resolutionS, p.resolved),
    closed: n(sql`${p.valid} AND ${p.col('status')} = 'closed'`),
    res_due: n(p.res.due(now)),
    res_on_time: n(p.res.onTime),
    rated: n(sql`${p.valid} AND ${p.col('rating')} IS NOT NULL`),
    satisfied: n(sql`${p.valid} AND ${p.col('rating')} >= ${sql.unsafe(String(SATISFIED_MIN_RATING))}`),
    reopened: n(sql`${p.valid} AND ${p.col('reopen_count')} > 0`),
    ever_resolved: n(sql`${p.valid} AND ${p.col('ever_resolved')}`),
    escalated: n(p.esc.escalated),
    esc_due: n(p.esc.due(now)),
    esc_on_time: n(p.esc.onTime),
    offer_passes: sum(p.col('passes'), p.valid),
  };
}

/** `c1, c2, …` aggregate list with the counters' names, in COUNTERS order. */
export function counterColumns(sql: Q, now: Now, alias = 'f', weight: Fragment | null = null): Fragment {
  const c = counterSql(sql, now, alias, weight);
  return COUNTERS.map((k) => sql`${c[k]} AS ${sql(k)}`).reduce((a, b) => sql`${a}, ${b}`);
}

/** `sum(c1)::float8 AS c1, …` to add up partial counters (cells and raw) into numbers. */
export function summedColumns(sql: Q, alias?: string): Fragment {
  // Summed as float8 (exact for integers below 2^53): sum() of a bigint is numeric, several times slower to add up.
  return COUNTERS.map((k) => sql`coalesce(sum(${alias ? sql(`${alias}.${k}`) : sql(k)}::float8), 0) AS ${sql(k)}`).reduce((a, b) => sql`${a}, ${b}`);
}

/** (metric, value) pairs of a facts row, for the distributions behind percentiles (`metrics`: only these). */
export function histValuesSql(sql: Q, alias = 'f', metrics: readonly HistMetric[] = HIST_METRICS): Fragment {
  const p = parts(sql, alias);
  const v: Record<HistMetric, Fragment> = {
    response: sql`CASE WHEN ${p.responded} THEN ${p.responseS} END`,
    accept: sql`CASE WHEN ${p.accepted} THEN ${p.acceptS} END`,
    arrive: sql`CASE WHEN ${p.arrived} THEN ${p.arriveS} END`,
    resolution: sql`CASE WHEN ${p.resolved} THEN floor(${p.resolutionS} / ${sql.unsafe(String(HIST_UNIT_S.resolution))}.0)::bigint END`,
  };
  const rows = metrics.map((m) => sql`(${sql.unsafe(`'${m}'`)}, ${v[m]})`).reduce((a, b) => sql`${a}, ${b}`);
  return sql`(VALUES ${rows})`;
}

/**
 * Dimensions the rollups keep, as keys of a facts row: the day (trend and totals), weekday × hour (the heat map and
 * the hour breakdown), and the breakdowns (community is derived from grid rows).
 */
export const DIMS = ['day', 'dowhour', 'category', 'channel', 'cause', 'grid', 'responder'] as const;
export type Dim = (typeof DIMS)[number];

export function dimKeySql(sql: Q, dim: Dim, now: Now, alias = 'f'): Fragment {
  const col = (c: string) => sql(`${alias}.${c}`);
  switch (dim) {
    case 'day': return sql`${col('day')}::text`;
    // Monday = 0 … Sunday = 6, as shared/reports.ts weekdayOf.
    case 'dowhour': return sql`((extract(isodow FROM ${col('day')})::int - 1)::text || ':' || ${col('hour')}::text)`;
    case 'category': return sql`${col('category')}`;
    case 'channel': return sql`${col('channel')}`;
    case 'cause': return sql`coalesce(${lateCauseSql(sql, now, alias)}, '')`;
    case 'grid': return sql`${col('grid_id')}::text`;
    case 'responder': return sql`coalesce(${col('responder_id')}::text, '')`;
  }
}

/**
 * When the row's figures stop depending on time: the latest deadline still pending (response if unanswered,
 * resolution if unresolved, the department's if escalated and unresolved), or NULL when none is. A rollup built
 * at C holds only rows settled by then (NULL or < C): every deadline comparison later gives the same answer.
 */
export function settlesAtSql(sql: Q, alias = 'f'): Fragment {
  const p = parts(sql, alias);
  return sql`GREATEST(
    CASE WHEN ${p.clock.running} THEN ${p.clock.deadline} END,
    CASE WHEN ${p.res.running} THEN ${p.res.deadline} END,
    CASE WHEN ${p.esc.running} THEN ${p.col('escalation_due_at')} END)`;
}

export function emptyHists(): Histograms {
  return { response: [], accept: [], arrive: [], resolution: [] };
}
