// The reports contract: periods and scopes, period arithmetic in the street office's local days, the response shapes,
// and the columns the page, the CSV and the XLSX all show (so their numbers agree). The query schemas are in
// report-queries.ts: the page loads no validation library (its reads are GETs the server validates).
import {
  FIGURE_IDS, FIGURES, LEAGUE_MIN_DUE, figures, meanResponseS, wilson,
  type Counters, type FigureId, type Figures, type Histograms,
} from './metrics.ts';
import type { LateCause } from './why-late.ts';

export const REPORT_PERIODS = ['today', 'yesterday', 'this_week', 'this_month', 'last_month', 'custom'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];
export const REPORT_PERIOD_LABELS: Record<ReportPeriod, { zh: string; en: string }> = {
  today: { zh: '今日', en: 'Today' }, yesterday: { zh: '昨日', en: 'Yesterday' }, this_week: { zh: '本周', en: 'This week' },
  this_month: { zh: '本月', en: 'This month' }, last_month: { zh: '上月', en: 'Last month' }, custom: { zh: '自定义', en: 'Custom' },
};
export const REPORT_SCOPES = ['street_office', 'community', 'grid'] as const;
export type ReportScopeKind = (typeof REPORT_SCOPES)[number];
export const BREAKDOWN_DIMS = ['community', 'grid', 'category', 'channel', 'responder', 'hour'] as const;
export type BreakdownDim = (typeof BREAKDOWN_DIMS)[number];
export const BREAKDOWN_LABELS: Record<BreakdownDim, { zh: string; en: string }> = {
  community: { zh: '社区', en: 'Community' }, grid: { zh: '网格', en: 'Grid' }, category: { zh: '类别', en: 'Category' },
  channel: { zh: '渠道', en: 'Channel' }, responder: { zh: '响应人', en: 'Responder' }, hour: { zh: '时段', en: 'Hour of day' },
};
/** A report covers at most this many days. */
export const MAX_REPORT_DAYS = 366;

/** A report's query: the period (custom: first and last local day, both included) and the scope. The server parses it
 *  with report-queries.ts's schema. */
export interface ReportQuery {
  period: ReportPeriod;
  from?: string | undefined;
  to?: string | undefined;
  scope: ReportScopeKind;
  communityId?: string | undefined;
  gridId?: string | undefined;
}

/** The page's query from its URL (a bookmark, a shared link): unknown periods and scopes fall back to this month, the office. */
export function reportQueryFromUrl(search: string): ReportQuery {
  const url = new URLSearchParams(search);
  const period = REPORT_PERIODS.find((p) => p === url.get('period')) ?? 'this_month';
  const scope = REPORT_SCOPES.find((s) => s === url.get('scope')) ?? 'street_office';
  return {
    period, scope, from: url.get('from') ?? undefined, to: url.get('to') ?? undefined,
    communityId: url.get('communityId') ?? undefined, gridId: url.get('gridId') ?? undefined,
  };
}

/** The query as URL parameters: only what its period and scope use. Not checked here: the server's schema does. */
export function reportSearch(q: ReportQuery): Record<string, string> {
  const out: Record<string, string> = { period: q.period, scope: q.scope };
  if (q.period === 'custom') { if (q.from) out.from = q.from; if (q.to) out.to = q.to; }
  if (q.scope === 'community' && q.communityId) out.communityId = q.communityId;
  if (q.scope === 'grid' && q.gridId) out.gridId = q.gridId;
  return out;
}

// ---- Periods in the street office's local days (China Standard Time: UTC offset 480 minutes, no DST) ----

/** "YYYY-MM-DD" of the local day an instant falls in. */
export function localDay(ms: number, utcOffsetMin: number): string {
  return new Date(ms + utcOffsetMin * 60_000).toISOString().slice(0, 10);
}
/** The instant a local day starts. */
export function localDayStartMs(day: string, utcOffsetMin: number): number {
  return Date.parse(`${day}T00:00:00Z`) - utcOffsetMin * 60_000;
}
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
/** Monday = 0 … Sunday = 6 of a local day. */
export function weekdayOf(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}
/** The Monday of a local day's ISO week (what the week cells are keyed by: PostgreSQL's date_trunc('week')). */
export function weekStart(day: string): string {
  return addDays(day, -weekdayOf(day));
}
function monthStart(day: string, deltaMonths = 0): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + deltaMonths);
  return d.toISOString().slice(0, 10);
}

export interface Span { from: string; to: string }
export interface ResolvedPeriod {
  period: ReportPeriod;
  /** Half-open [from, to) instants, ISO. */
  current: Span;
  /** The period before, of the same span (to-date periods: the same elapsed time). */
  previous: Span;
  /** First and last local day touched (inclusive), for labels. */
  firstDay: string;
  lastDay: string;
  utcOffsetMin: number;
}

const span = (fromMs: number, toMs: number): Span => ({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });

/**
 * A period's bounds. Periods that run to now (today, this week, this month) are compared with the same elapsed span
 * of the previous day, week or month; whole periods with the whole one before (custom: the same number of days).
 */
export function resolvePeriod(q: Pick<ReportQuery, 'period' | 'from' | 'to'>, nowMs: number, utcOffsetMin: number): ResolvedPeriod {
  const today = localDay(nowMs, utcOffsetMin);
  const start = (d: string) => localDayStartMs(d, utcOffsetMin);
  let cur: [number, number], prev: [number, number];
  switch (q.period) {
    case 'today': cur = [start(today), nowMs]; prev = [start(addDays(today, -1)), nowMs - 86_400_000]; break;
    case 'yesterday': cur = [start(addDays(today, -1)), start(today)]; prev = [start(addDays(today, -2)), start(addDays(today, -1))]; break;
    case 'this_week': {
      const monday = weekStart(today);
      cur = [start(monday), nowMs]; prev = [start(addDays(monday, -7)), nowMs - 7 * 86_400_000];
      break;
    }
    case 'this_month': {
      const first = monthStart(today), before = monthStart(today, -1);
      cur = [start(first), nowMs];
      prev = [start(before), Math.min(start(before) + (nowMs - start(first)), start(first))];
      break;
    }
    case 'last_month': cur = [start(monthStart(today, -1)), start(monthStart(today))]; prev = [start(monthStart(today, -2)), start(monthStart(today, -1))]; break;
    case 'custom': {
      const from = q.from!, to = q.to!;
      const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
      cur = [start(from), start(addDays(to, 1))]; prev = [start(addDays(from, -days)), start(from)];
      break;
    }
  }
  return {
    period: q.period, current: span(...cur), previous: span(...prev),
    firstDay: localDay(cur[0], utcOffsetMin), lastDay: localDay(Math.max(cur[0], cur[1] - 1), utcOffsetMin), utcOffsetMin,
  };
}

// ---- Response shapes ----

export interface ReportSlice { counters: Counters; hist: Histograms; figures: Figures }

export interface BreakdownRow {
  key: string;
  label: string;
  /** The community a grid belongs to (grid rows). */
  parent?: string;
  counters: Counters;
  onTimeRate: number | null;
  /** 95 % Wilson interval of the on-time rate. */
  interval: { low: number; high: number } | null;
  meanResponseS: number | null;
  closureRate: number | null;
  satisfactionRate: number | null;
  /** The same row's on-time rate in the previous period. */
  prevOnTimeRate: number | null;
  /** League position by the interval's lower bound; null below LEAGUE_MIN_DUE responses due. */
  rank: number | null;
}

export interface TrendPoint { day: string; reported: number; due: number; onTime: number; rate: number | null }
export interface CauseCount { cause: LateCause; late: number; passes: number }

export interface ReportScope { kind: ReportScopeKind | 'grids'; id: string | null; name: string; gridIds: string[] | null }

export interface Report {
  period: ResolvedPeriod;
  scope: ReportScope;
  generatedAt: string;
  current: ReportSlice;
  previous: ReportSlice;
  trend: TrendPoint[];
  /** [weekday (Mon = 0), hour, tickets reported]. */
  heatmap: Array<[number, number, number]>;
  causes: CauseCount[];
  breakdowns: Record<Exclude<BreakdownDim, 'responder'>, BreakdownRow[]>;
  /** Response targets in the period (seconds), for the histogram's target lines. */
  targets: number[];
  /** How the figures were read: whole days from rollups (of them whole months and whole weeks), partial days and the
   * tickets the rollups do not hold yet (unsettled, or changed and still queued) live from the tickets and their history. */
  source: { rollupDays: number; rollupMonths: number; rollupWeeks: number; rawDays: number; liveTickets: number };
}

export interface DrillTicket {
  id: string; reportedAt: string; category: string; channel: string; gridName: string; communityName: string; status: string;
  responseS: number | null; responseTargetS: number; late: boolean; cause: LateCause | null; passes: number; responderName: string | null;
}
export interface DrillPage { items: DrillTicket[]; nextBefore: string | null }

/** A breakdown row from its counters (and the previous period's), as page and exports show it. */
export function breakdownRow(key: string, label: string, c: Counters, prev: Counters | null, parent?: string): BreakdownRow {
  const none = { response: [], accept: [], arrive: [], resolution: [] };
  const f = figures(c, none);
  return {
    key, label, parent, counters: c,
    onTimeRate: f.onTimeResponseRate, interval: wilson(c.resp_on_time, c.resp_due), meanResponseS: meanResponseS(c),
    closureRate: f.closureRate, satisfactionRate: f.satisfactionRate,
    prevOnTimeRate: prev ? figures(prev, none).onTimeResponseRate : null, rank: null,
  };
}

/** Ranks rows with enough responses due by the lower bound of their interval (then the rate, then the sample). */
export function rankLeague(rows: BreakdownRow[]): BreakdownRow[] {
  const ranked = rows.filter((r) => r.counters.resp_due >= LEAGUE_MIN_DUE && r.interval)
    .sort((a, b) => b.interval!.low - a.interval!.low || (b.onTimeRate ?? 0) - (a.onTimeRate ?? 0) || b.counters.resp_due - a.counters.resp_due);
  const pos = new Map(ranked.map((r, i) => [r, i + 1]));
  return rows.map((r) => ({ ...r, rank: pos.get(r) ?? null }));
}

// ---- What the page and the exports show: one formatting, one column list ----

/** A rate as the page prints it and the exports store it: percent with one decimal. */
export function ratePct(r: number | null): number | null {
  return r == null ? null : Math.round(r * 1000) / 10;
}
/** Seconds as whole seconds. */
export function wholeSeconds(s: number | null): number | null {
  return s == null ? null : Math.round(s);
}

export interface Column<T> { id: string; zh: string; en: string; kind: 'text' | 'count' | 'pct' | 'seconds'; value: (row: T) => string | number | null }

export const BREAKDOWN_COLUMNS: Array<Column<BreakdownRow>> = [
  { id: 'reported', zh: '上报', en: 'Reported', kind: 'count', value: (r) => r.counters.reported },
  { id: 'excluded', zh: '剔除', en: 'Excluded', kind: 'count', value: (r) => r.counters.excluded },
  { id: 'due', zh: '应响应', en: 'Due', kind: 'count', value: (r) => r.counters.resp_due },
  { id: 'onTime', zh: '按时', en: 'On time', kind: 'count', value: (r) => r.counters.resp_on_time },
  { id: 'late', zh: '超时', en: 'Late', kind: 'count', value: (r) => r.counters.resp_due - r.counters.resp_on_time },
  { id: 'openLate', zh: '超时未响应', en: 'Open past target', kind: 'count', value: (r) => r.counters.resp_open_late },
  { id: 'rate', zh: '按时响应率(%)', en: 'On-time (%)', kind: 'pct', value: (r) => ratePct(r.onTimeRate) },
  { id: 'low', zh: '置信下限(%)', en: 'CI low (%)', kind: 'pct', value: (r) => ratePct(r.interval?.low ?? null) },
  { id: 'high', zh: '置信上限(%)', en: 'CI high (%)', kind: 'pct', value: (r) => ratePct(r.interval?.high ?? null) },
  { id: 'prevRate', zh: '上期按时率(%)', en: 'Previous (%)', kind: 'pct', value: (r) => ratePct(r.prevOnTimeRate) },
  { id: 'meanResponse', zh: '平均响应(秒)', en: 'Mean response (s)', kind: 'seconds', value: (r) => wholeSeconds(r.meanResponseS) },
  { id: 'closure', zh: '办结率(%)', en: 'Closure (%)', kind: 'pct', value: (r) => ratePct(r.closureRate) },
  { id: 'satisfaction', zh: '满意率(%)', en: 'Satisfaction (%)', kind: 'pct', value: (r) => ratePct(r.satisfactionRate) },
  { id: 'rank', zh: '排名', en: 'Rank', kind: 'count', value: (r) => r.rank },
];

/** A headline figure's value as the page prints it and the exports store it. */
export function figureValue(id: FigureId, f: Figures): number | null {
  const v = f[id];
  const unit = FIGURES[id].unit;
  return unit === 'rate' ? ratePct(v) : unit === 'seconds' ? wholeSeconds(v) : v;
}
export { FIGURE_IDS };

/**
 * The league as first drawn: the best and the worst `ends` grids with a gap (null) between them where more are
 * ranked; all of them once asked. A city has 1,500 ranked grids: drawn up front they slowed the first paint.
 */
export function leagueShown<T>(ranked: readonly T[], all: boolean, ends = 15): Array<T | null> {
  if (all || ranked.length <= 2 * ends + 1) return [...ranked];
  return [...ranked.slice(0, ends), null, ...ranked.slice(-ends)];
}
