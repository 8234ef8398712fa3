// Reads the counters of a time span by dimension, and its duration histograms, in one statement: whole days from the
// rollups (whole months from the month cells, whole weeks of the days left from the week cells), plus from the raw
// tables the partial days at the edges and every ticket the rollups do not hold yet — unsettled, or changed and still
// queued (whose stored rows are taken out again).
import { COUNTERS, HIST_METRICS, type Counters, type HistMetric, type Histograms } from '../../shared/metrics.ts';
import { addDays, localDay, localDayStartMs, weekStart } from '../../shared/reports.ts';
import { constantSql } from '../db/sql-text.ts';
import { counterColumns, dimKeySql, emptyHists, histValuesSql, summedColumns, type Dim } from './counters.ts';
import { FACT_COLUMNS, factsSql, type Fragment, type Q } from './facts.ts';
import { MONTH_DIMS, rollupsCurrent } from './rollup.ts';

export interface SpanRow { dim: Dim; key: string; counters: Counters }
export interface SpanData {
  rows: SpanRow[];
  hist: Histograms;
  /** Whole days read from rollups (of them, whole months and weeks), days read raw, tickets read live besides. */
  source: { rollupDays: number; rollupMonths: number; rollupWeeks: number; rawDays: number; liveTickets: number };
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
  /** The distributions to read (default all); the wall's KPI board shows response percentiles only. */
  hists?: readonly HistMetric[];
}

const COUNTER_LIST = COUNTERS.join(', ');
function fromArray(v: number[]): Counters {
  const out = {} as Counters;
  for (let i = 0; i < COUNTERS.length; i++) out[COUNTERS[i]] = Number(v[i]);
  return out;
}

interface Plan {
  /** Every whole local day (the day dimension's cells, and the range the rollups serve). */
  days: string[];
  months: string[];
  /** Mondays of the whole weeks among the days no whole month covers. */
  weeks: string[];
  /** The days neither a whole month nor a whole week covers: the wide dimensions' and histograms' day cells. */
  restDays: string[];
  /** Days outside the span whose cells are subtracted: a week with 5 or 6 of its days in the span is read as its week
   *  cell minus the other 1 or 2 days, fewer cells than its days one by one. */
  minusDays: string[];
  full: [Date, Date] | null;
  edges: Array<[Date, Date]>;
  rawDays: number;
}

/** Groups days by period (month, week) and keeps the periods every one of whose `length` days is among them. */
function wholePeriods(days: string[], periodOf: (d: string) => string, length: (p: string) => number): string[] {
  const n = new Map<string, number>();
  for (const d of days) n.set(periodOf(d), (n.get(periodOf(d)) ?? 0) + 1);
  return [...n].filter(([p, k]) => k === length(p)).map(([p]) => p);
}
const monthOf = (d: string) => `${d.slice(0, 7)}-01`;
const monthLength = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();

/**
 * The span's whole local days for the rollups — whole months from month cells, then whole weeks of what is left from
 * week cells, the rest from day cells — and the partial days at its edges, read raw. A week straddling a whole month
 * is read by its days: its cell holds days of that month too.
 */
async function plan(tx: Q, s: SpanInput): Promise<Plan> {
  const off = s.utcOffsetMin;
  let firstFull = localDay(s.fromMs, off);
  if (localDayStartMs(firstFull, off) < s.fromMs) firstFull = addDays(firstFull, 1);
  const days: string[] = [];
  for (let d = firstFull; localDayStartMs(addDays(d, 1), off) <= s.toMs && d < '9999'; d = addDays(d, 1)) days.push(d);
  const all: [Date, Date] = [new Date(s.fromMs), new Date(s.toMs)];
  const none: Plan = { days: [], months: [], weeks: [], restDays: [], minusDays: [], full: null, edges: [all], rawDays: days.length };
  if (!s.rollups || s.gridIds || days.length === 0 || !(await rollupsCurrent(tx, s.streetOfficeId, off))) return none;
  const fullFrom = localDayStartMs(days[0], off), fullTo = localDayStartMs(addDays(days[days.length - 1], 1), off);
  const months = wholePeriods(days, monthOf, monthLength);
  const outsideMonths = days.filter((d) => !months.includes(monthOf(d)));
  const weeks = wholePeriods(outsideMonths, weekStart, () => 7);
  let restDays = outsideMonths.filter((d) => !weeks.includes(weekStart(d)));
  const minusDays: string[] = [];
  const byWeek = new Map<string, string[]>();
  for (const d of restDays) byWeek.set(weekStart(d), [...(byWeek.get(weekStart(d)) ?? []), d]);
  for (const [monday, inside] of byWeek) {
    if (inside.length < 5) continue;
    weeks.push(monday);
    for (let i = 0; i < 7; i++) if (!inside.includes(addDays(monday, i))) minusDays.push(addDays(monday, i));
    restDays = restDays.filter((d) => weekStart(d) !== monday);
  }
  const edges: Array<[Date, Date]> = [];
  if (s.fromMs < fullFrom) edges.push([new Date(s.fromMs), new Date(fullFrom)]);
  if (fullTo < s.toMs) edges.push([new Date(fullTo), new Date(s.toMs)]);
  return { days, months, weeks, restDays, minusDays, full: [new Date(fullFrom), new Date(fullTo)], edges, rawDays: 0 };
}

export async function readSpan(tx: Q, s: SpanInput): Promise<SpanData> {
  const p = await plan(tx, s);
  const so = s.streetOfficeId;
  const grids = s.gridIds ? tx`AND t.grid_id = ANY(${s.gridIds}::bigint[])` : tx``;
  const inRange = ([a, b]: [Date, Date], alias = 't') => tx`(${tx(`${alias}.reported_at`)} >= ${a} AND ${tx(`${alias}.reported_at`)} < ${b})`;
  let where: Fragment;
  if (!p.full) {
    where = tx`t.street_office_id = ${so} AND ${p.edges.map((e) => inRange(e)).reduce((a, b) => tx`${a} OR ${b}`)} ${grids}`;
  } else {
    // Three small sets, each found through its own index: the partial days at the edges, the unsettled tickets of the
    // whole days (report_unsettled), and the queued tickets (changed since the job last saw them).
    const edges = p.edges.length ? p.edges.map((e) => tx`SELECT t2.id FROM tickets t2 WHERE t2.street_office_id = ${so} AND ${inRange(e, 't2')}`).reduce((a, b) => tx`${a} UNION ALL ${b}`) : null;
    const unsettled = tx`SELECT u.id FROM report_unsettled u WHERE u.street_office_id = ${so} AND ${inRange(p.full, 'u')}`;
    const queued = tx`SELECT q.ticket_id FROM report_queue q JOIN tickets t2 ON t2.id = q.ticket_id WHERE t2.street_office_id = ${so} AND ${inRange(p.full, 't2')}`;
    where = tx`t.street_office_id = ${so} AND t.id IN (${edges ? tx`${edges} UNION ` : tx``}${unsettled} UNION ${queued}) ${grids}`;
  }
  const facts = factsSql(tx, where, { events: s.events ?? true });
  // …and the stored rows of queued tickets taken out again (their live rows replace them).
  const gone = p.full ? tx`
    SELECT -1 AS w, ${tx.unsafe(FACT_COLUMNS.map((c) => `rf.${c}`).join(', '))} FROM report_facts rf
    WHERE rf.street_office_id = ${so} AND rf.day >= ${p.days[0]}::date AND rf.day <= ${p.days[p.days.length - 1]}::date
      AND EXISTS (SELECT 1 FROM report_queue q WHERE q.ticket_id = rf.id)` : tx`SELECT -1 AS w, f0.* FROM ${facts} f0 WHERE false`;
  const w = tx`f.w`;
  // "Now" as a column of the rows, bound once: the clock fragments use it dozens of times per dimension.
  const now = tx`f.now_`;
  const dayDims = s.dims.filter((d) => !MONTH_DIMS.includes(d));
  const monthDims = s.dims.filter((d) => MONTH_DIMS.includes(d));
  const cellRows: Fragment = tx`
    SELECT dim, key, ${tx.unsafe(COUNTER_LIST)}
    FROM report_cells WHERE street_office_id = ${so} AND (
      (grain = 'd' AND dim = ANY(${dayDims as string[]}) AND period = ANY(${p.days}::date[]))
      OR (grain = 'd' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.restDays}::date[]))
      OR (grain = 'w' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.weeks}::date[]))
      OR (grain = 'm' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.months}::date[])))
    UNION ALL
    SELECT dim, key, ${tx.unsafe(COUNTERS.map((c) => `-${c}`).join(', '))}
    FROM report_cells WHERE street_office_id = ${so} AND grain = 'd' AND dim = ANY(${monthDims as string[]}) AND period = ANY(${p.minusDays}::date[])`;
  // Constant SQL (no parameters: "now" is f's column), rendered to text once per dimension (server/db/sql-text.ts).
  const rawRows = tx.unsafe(s.dims.map((dim) => constantSql(`span raw rows ${dim}`, () => tx`
    SELECT ${tx.unsafe(`'${dim}'`)} AS dim, ${dimKeySql(tx, dim, now)} AS key,
      ${counterColumns(tx, now, 'f', w)} FROM f GROUP BY 2`)).join(' UNION ALL '));
  // One select per grain, not an OR of them: each is then an index-only scan of report_hist_read (migration 022)
  // instead of a bitmap scan visiting a heap page for every ~10 of a year's ~60,000 histogram rows.
  const hists = s.hists ?? HIST_METRICS;
  const only = hists.length < HIST_METRICS.length ? tx`AND metric = ANY(${hists as string[]})` : tx``;
  const histCells = tx`
    SELECT metric, value, n FROM report_hist WHERE street_office_id = ${so} AND grain = 'd' AND period = ANY(${p.restDays}::date[]) ${only}
    UNION ALL
    SELECT metric, value, n FROM report_hist WHERE street_office_id = ${so} AND grain = 'w' AND period = ANY(${p.weeks}::date[]) ${only}
    UNION ALL
    SELECT metric, value, n FROM report_hist WHERE street_office_id = ${so} AND grain = 'm' AND period = ANY(${p.months}::date[]) ${only}
    UNION ALL
    SELECT metric, value, -n FROM report_hist WHERE street_office_id = ${so} AND grain = 'd' AND period = ANY(${p.minusDays}::date[]) ${only}`;
  // Counters travel as one float8[] per row and each histogram as two int8[]: a year's result is ~10,000 rows, and
  // 25 columns a row cost more to send and parse than the query took.
  const rows = await tx<Array<{ kind: 'c' | 'h' | 'n'; dim: string; key: string | null; v: number[] | null; values: string[] | null; ns: string[] | null; live: number | null }>>`
    WITH f AS MATERIALIZED (SELECT x.*, ${s.now}::timestamptz AS now_ FROM (SELECT 1 AS w, f0.* FROM ${facts} f0 UNION ALL ${gone}) x),
    c AS (SELECT dim, key, ${tx.unsafe(constantSql('span summed columns', () => summedColumns(tx)))} FROM (${cellRows} UNION ALL ${rawRows}) x GROUP BY dim, key),
    h AS (SELECT metric, value, sum(n::float8)::bigint AS n FROM (${histCells} UNION ALL
      SELECT v.metric, v.value, sum(f.w) FROM f CROSS JOIN LATERAL ${tx.unsafe(constantSql(`span hist values ${hists.join(',')}`, () => histValuesSql(tx, 'f', hists)))} AS v(metric, value)
      WHERE v.value IS NOT NULL GROUP BY 1, 2) y GROUP BY 1, 2)
    SELECT 'c' AS kind, dim, key, ARRAY[${tx.unsafe(COUNTER_LIST)}]::float8[] AS v, NULL::int8[] AS values, NULL::int8[] AS ns, NULL::int AS live FROM c WHERE reported <> 0
    UNION ALL
    SELECT 'h', metric, NULL, NULL, array_agg(value ORDER BY value), array_agg(n ORDER BY value), NULL FROM h WHERE n <> 0 GROUP BY metric
    UNION ALL
    SELECT 'n', NULL, NULL, NULL, NULL, NULL, (SELECT count(*) FROM f)::int`;
  const hist = emptyHists();
  const out: SpanRow[] = [];
  let liveTickets = 0;
  for (const r of rows) {
    if (r.kind === 'n') liveTickets = r.live ?? 0;
    else if (r.kind === 'c') out.push({ dim: r.dim as Dim, key: r.key!, counters: fromArray(r.v!) });
    else if ((HIST_METRICS as readonly string[]).includes(r.dim)) hist[r.dim as HistMetric] = r.values!.map((v, i) => [Number(v), Number(r.ns![i])]);
  }
  return { rows: out, hist, source: { rollupDays: p.days.length, rollupMonths: p.months.length, rollupWeeks: p.weeks.length, rawDays: p.rawDays, liveTickets } };
}
