// Reads the counters of a time span by dimension, and its duration histograms, in one statement: whole days from the
// rollups while they are current (months where a whole month is), everything else — partial days, stale days, and the
// tickets a rollup left out because their figures still change with time — from the tickets and their history.
import { COUNTERS, HIST_METRICS, type Counters, type HistMetric, type Histograms } from '../../shared/metrics.ts';
import { addDays, localDay, localDayStartMs } from '../../shared/reports.ts';
import { CLOCK_EXCLUDED_STATUSES } from '../../shared/sla.ts';
import { counterColumns, dimKeySql, emptyHists, histValuesSql, settlesAtSql, summedColumns, toCounters, type Dim } from './counters.ts';
import { factsSql, type Fragment, type Q } from './facts.ts';
import { LAYOUT, MONTH_DIMS } from './rollup.ts';

export interface SpanRow { dim: Dim; key: string; day: string | null; counters: Counters }
export interface SpanData {
  rows: SpanRow[];
  hist: Histograms;
  source: { rollupDays: number; rollupMonths: number; rawDays: number };
}

export interface SpanInput {
  streetOfficeId: string;
  utcOffsetMin: number;
  fromMs: number;
  toMs: number;
  /** Limit to these grids (a community, a grid, a leader's grids): read raw, rollups are per street office. */
  gridIds: string[] | null;
  dims: readonly Dim[];
  now: Date;
  /** False: the naive way, everything from the raw tables (the bench's comparison, and tests). */
  rollups: boolean;
  /** False: skip the ticket histories (counters that need them read 0); only for the wall's KPI board. */
  events?: boolean;
}

const COUNTER_LIST = COUNTERS.join(', ');

interface Plan { dayCells: string[]; monthDayCells: string[]; months: string[]; validDays: string[]; raw: Array<[Date, Date]>; rawDays: number }

/** Which whole days of the span have current rollups (and which whole months); the rest is read raw. */
async function plan(tx: Q, s: SpanInput): Promise<Plan> {
  const off = s.utcOffsetMin;
  let firstFull = localDay(s.fromMs, off);
  if (localDayStartMs(firstFull, off) < s.fromMs) firstFull = addDays(firstFull, 1);
  const fullDays: string[] = [];
  for (let d = firstFull; localDayStartMs(addDays(d, 1), off) <= s.toMs && d < '9999'; d = addDays(d, 1)) fullDays.push(d);
  const none: Plan = { dayCells: [], monthDayCells: [], months: [], validDays: [], raw: [[new Date(s.fromMs), new Date(s.toMs)]], rawDays: fullDays.length };
  if (!s.rollups || s.gridIds || fullDays.length === 0) return none;
  const last = fullDays[fullDays.length - 1];
  const valid = await tx<{ day: string }[]>`
    SELECT d.day::text AS day FROM report_days d
    JOIN report_builds b ON b.street_office_id = d.street_office_id AND b.day = d.day
    WHERE d.street_office_id = ${s.streetOfficeId} AND d.day >= ${firstFull}::date AND d.day <= ${last}::date
      AND b.built_version = d.version AND b.utc_offset_min = ${off} AND b.layout = ${LAYOUT}`;
  const validSet = new Set(valid.map((r) => r.day));
  const months = (await tx<{ month: string; days_built_at: Date }[]>`
    SELECT mb.month::text AS month FROM report_month_builds mb
    WHERE mb.street_office_id = ${s.streetOfficeId} AND mb.layout = ${LAYOUT}
      AND mb.month >= ${firstFull}::date AND (mb.month + interval '1 month')::date <= ${addDays(last, 1)}::date
      AND mb.days_built_at = (SELECT max(b.built_at) FROM report_builds b WHERE b.street_office_id = mb.street_office_id
        AND b.day >= mb.month AND b.day < (mb.month + interval '1 month')::date)`)
    .map((r) => r.month)
    .filter((m) => fullDays.filter((d) => d.startsWith(m.slice(0, 7))).every((d) => validSet.has(d)));
  const inMonth = new Set(months.map((m) => m.slice(0, 7)));
  // Raw ranges: the partial edges and every day without a current rollup, merged where adjacent.
  const raw: Array<[Date, Date]> = [];
  const push = (a: number, b: number) => {
    if (b <= a) return;
    const prev = raw[raw.length - 1];
    if (prev && prev[1].getTime() === a) prev[1] = new Date(b); else raw.push([new Date(a), new Date(b)]);
  };
  push(s.fromMs, localDayStartMs(firstFull, off));
  let rawDays = 0;
  for (const d of fullDays) if (!validSet.has(d)) { push(localDayStartMs(d, off), localDayStartMs(addDays(d, 1), off)); rawDays++; }
  push(localDayStartMs(addDays(last, 1), off), s.toMs);
  raw.sort((a, b) => a[0].getTime() - b[0].getTime());
  const validDays = fullDays.filter((d) => validSet.has(d));
  return { dayCells: validDays, monthDayCells: validDays.filter((d) => !inMonth.has(d.slice(0, 7))), months, validDays, raw, rawDays };
}

export async function readSpan(tx: Q, s: SpanInput): Promise<SpanData> {
  const p = await plan(tx, s);
  const so = s.streetOfficeId;
  const ranges = p.raw.map(([a, b]) => tx`(t.reported_at >= ${a} AND t.reported_at < ${b})`);
  const rawWhere = ranges.length ? ranges.reduce((a, b) => tx`${a} OR ${b}`) : tx`false`;
  // Tickets the rollups left out (figures still moving when the day was built), judged against that build's time.
  const settles = settlesAtSql(tx, 't');
  const unsettled = p.validDays.length === 0 ? tx`false` : tx`(
    t.status NOT IN ${tx.unsafe(`(${CLOCK_EXCLUDED_STATUSES.map((x) => `'${x}'`).join(', ')})`)} AND (t.responded_at IS NULL OR t.resolved_at IS NULL)
    AND t.reported_at >= ${new Date(localDayStartMs(p.validDays[0], s.utcOffsetMin))}
    AND t.reported_at < ${new Date(localDayStartMs(addDays(p.validDays[p.validDays.length - 1], 1), s.utcOffsetMin))}
    AND EXISTS (SELECT 1 FROM report_builds b WHERE b.street_office_id = t.street_office_id
      AND b.day = report_local_day(t.reported_at, ${s.utcOffsetMin}) AND b.day = ANY(${p.validDays}::date[]) AND ${settles} >= b.built_at))`;
  const where = tx`t.street_office_id = ${so} AND (${rawWhere} OR ${unsettled})
    ${s.gridIds ? tx`AND t.grid_id = ANY(${s.gridIds}::bigint[])` : tx``}`;
  const facts = factsSql(tx, where, { events: s.events ?? true });

  const dayDims = s.dims.filter((d) => !MONTH_DIMS.includes(d));
  const monthDims = s.dims.filter((d) => MONTH_DIMS.includes(d));
  const cellRows: Fragment = tx`
    SELECT dim, key, CASE WHEN dim = 'hour' THEN period::text END AS day, ${tx.unsafe(COUNTER_LIST)}
    FROM report_cells WHERE street_office_id = ${so} AND (
      (grain = 'd' AND dim = ANY(${dayDims as string[]}) AND period = ANY(${p.dayCells}::date[]))
      OR (grain = 'd' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.monthDayCells}::date[]))
      OR (grain = 'm' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.months}::date[])))`;
  const rawRows = s.dims.map((dim) => tx`
    SELECT ${tx.unsafe(`'${dim}'`)} AS dim, ${dimKeySql(tx, dim, s.now)} AS key, ${dim === 'hour' ? tx`f.day::text` : tx`NULL::text`} AS day,
      ${counterColumns(tx, s.now)} FROM f GROUP BY 2, 3`).reduce((a, b) => tx`${a} UNION ALL ${b}`);
  const histCells = tx`
    SELECT metric, value, n FROM report_hist WHERE street_office_id = ${so} AND (
      (grain = 'd' AND period = ANY(${p.monthDayCells}::date[])) OR (grain = 'm' AND period = ANY(${p.months}::date[])))`;
  const nulls = tx.unsafe(COUNTER_LIST.split(', ').map((c) => `NULL::float8 AS ${c}`).join(', '));
  const rows = await tx<Array<Record<string, unknown> & { kind: 'c' | 'h'; dim: string; key: string; day: string | null; n: number | null }>>`
    WITH f AS MATERIALIZED (SELECT f0.* FROM ${facts} f0),
    c AS (SELECT dim, key, day, ${summedColumns(tx)} FROM (${cellRows} UNION ALL ${rawRows}) x GROUP BY dim, key, day),
    h AS (SELECT metric, value, sum(n)::float8 AS n FROM (${histCells} UNION ALL
      SELECT v.metric, v.value, count(*) FROM f CROSS JOIN LATERAL ${histValuesSql(tx, 'f')} AS v(metric, value)
      WHERE v.value IS NOT NULL GROUP BY 1, 2) y GROUP BY 1, 2)
    SELECT 'c' AS kind, dim, key, day, ${tx.unsafe(COUNTER_LIST)}, NULL::float8 AS n FROM c
    UNION ALL
    SELECT 'h', metric, value::text, NULL, ${nulls}, n FROM h
    ORDER BY 1, 2, 3`;
  const hist = emptyHists();
  const out: SpanRow[] = [];
  for (const r of rows) {
    if (r.kind === 'c') out.push({ dim: r.dim as Dim, key: r.key, day: r.day, counters: toCounters(r) });
    else if ((HIST_METRICS as readonly string[]).includes(r.dim)) hist[r.dim as HistMetric].push([Number(r.key), Number(r.n)]);
  }
  for (const m of HIST_METRICS) hist[m].sort((a, b) => a[0] - b[0]);
  return { rows: out, hist, source: { rollupDays: p.validDays.length, rollupMonths: p.months.length, rawDays: p.rawDays } };
}
