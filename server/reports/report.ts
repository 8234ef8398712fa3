// The managers' report: a period and scope resolved, the counters of it and of the previous period read side by side
// (server/reports/read.ts), and turned into the page's headline, trend, heat map, causes and breakdowns.
import { CHANNEL_LABELS, type Channel } from '../../shared/domain.ts';
import { addInto, figures, zeroCounters, type Counters } from '../../shared/metrics.ts';
import {
  breakdownRow, rankLeague, resolvePeriod,
  type BreakdownDim, type BreakdownRow, type Report, type ReportQuery, type ReportScope, type TrendPoint,
} from '../../shared/reports.ts';
import { LATE_CAUSES, type LateCause } from '../../shared/why-late.ts';
import type { Sql } from '../db/connect.ts';
import type { Dim } from './counters.ts';
import type { Q } from './facts.ts';
import { readSpan, type SpanData, type SpanInput } from './read.ts';

export interface ReportInput {
  streetOfficeId: string;
  scope: ReportScope;
  query: Pick<ReportQuery, 'period' | 'from' | 'to'>;
  /** The instant figures are judged at (default: the database's now). */
  nowMs?: number;
  /** False: read everything from the raw tables (the naive query the bench compares with). */
  rollups?: boolean;
}

const MAIN_DIMS: readonly Dim[] = ['day', 'dowhour', 'category', 'channel', 'cause', 'grid'];
/** Where each breakdown is read from: communities from grid rows, hours from weekday × hour rows. */
const SOURCE_DIM: Record<BreakdownDim, Dim> = { community: 'grid', grid: 'grid', category: 'category', channel: 'channel', responder: 'responder', hour: 'dowhour' };

async function context(tx: Q, input: ReportInput) {
  const [so] = await tx<{ utc_offset_min: number; now: Date }[]>`SELECT utc_offset_min, now() AS now FROM street_offices WHERE id = ${input.streetOfficeId}`;
  const nowMs = input.nowMs ?? so.now.getTime();
  const period = resolvePeriod(input.query, nowMs, so.utc_offset_min);
  const span = (s: { from: string; to: string }, dims: readonly Dim[]): SpanInput => ({
    streetOfficeId: input.streetOfficeId, utcOffsetMin: so.utc_offset_min, fromMs: Date.parse(s.from), toMs: Date.parse(s.to),
    gridIds: input.scope.gridIds, dims, now: new Date(nowMs), rollups: input.rollups ?? true,
  });
  return { nowMs, period, span };
}

function byKey(data: SpanData, dim: Dim): Map<string, Counters> {
  const m = new Map<string, Counters>();
  for (const r of data.rows) {
    if (r.dim !== dim) continue;
    const cur = m.get(r.key);
    if (cur) addInto(cur, r.counters); else m.set(r.key, { ...r.counters });
  }
  return m;
}

/** Names of grids, communities, categories and responders for breakdown rows. */
async function labels(tx: Q, streetOfficeId: string, responderIds: string[] = []) {
  const grids = await tx<{ id: string; name: string; community_id: string; community: string; community_en: string }[]>`
    SELECT g.id, g.name, g.community_id, c.name AS community, c.name_en AS community_en FROM grids g JOIN communities c ON c.id = g.community_id
    WHERE g.street_office_id = ${streetOfficeId}`;
  const categories = await tx<{ code: string; name_zh: string; name_en: string; response_target_s: number }[]>`SELECT code, name_zh, name_en, response_target_s FROM categories`;
  const responders = responderIds.length ? await tx<{ id: string; name: string }[]>`SELECT id, name FROM responders WHERE id = ANY(${responderIds}::bigint[])` : [];
  return { grids: new Map(grids.map((g) => [g.id, g])), categories: new Map(categories.map((c) => [c.code, c])), responders: new Map(responders.map((r) => [r.id, r.name])), targets: [...new Set(categories.map((c) => c.response_target_s))].sort((a, b) => a - b) };
}
type LabelSet = Awaited<ReturnType<typeof labels>>;

/** One breakdown's rows from the current and previous counters (community: grid rows summed per community). */
function breakdown(dim: BreakdownDim, cur: SpanData, prev: SpanData, l: LabelSet): BreakdownRow[] {
  let c = byKey(cur, SOURCE_DIM[dim]), p = byKey(prev, SOURCE_DIM[dim]);
  if (dim === 'hour') {
    const hours = (m: Map<string, Counters>) => {
      const out = new Map<string, Counters>();
      for (const [k, counters] of m) { const h = k.split(':')[1]; const cur = out.get(h); if (cur) addInto(cur, counters); else out.set(h, { ...counters }); }
      return out;
    };
    c = hours(c); p = hours(p);
  }
  if (dim === 'community') {
    const roll = (m: Map<string, Counters>) => {
      const out = new Map<string, Counters>();
      for (const [grid, counters] of m) {
        const cid = l.grids.get(grid)?.community_id;
        if (cid) { const cur = out.get(cid); if (cur) addInto(cur, counters); else out.set(cid, { ...counters }); }
      }
      return out;
    };
    c = roll(c); p = roll(p);
  }
  const communityName = new Map([...l.grids.values()].map((g) => [g.community_id, g.community]));
  const rows: BreakdownRow[] = [];
  for (const [key, counters] of c) {
    let label = key, parent: string | undefined;
    if (dim === 'grid') { const g = l.grids.get(key); label = g ? `${g.community} ${g.name}` : key; parent = g?.community; }
    else if (dim === 'community') label = communityName.get(key) ?? key;
    else if (dim === 'category') label = l.categories.get(key)?.name_zh ?? key;
    else if (dim === 'channel') label = CHANNEL_LABELS[key as Channel]?.zh ?? key;
    else if (dim === 'responder') label = key === '' ? '（无响应人/值班室）' : l.responders.get(key) ?? `#${key}`;
    else if (dim === 'hour') label = `${key.padStart(2, '0')}:00–${String(Number(key) + 1).padStart(2, '0')}:00`;
    rows.push(breakdownRow(key, label, counters, p.get(key) ?? null, parent));
  }
  if (dim === 'hour') rows.sort((a, b) => Number(a.key) - Number(b.key));
  else rows.sort((a, b) => b.counters.reported - a.counters.reported || a.label.localeCompare(b.label, 'zh'));
  return rankLeague(rows);
}

/**
 * The period and the one before are read at once on two connections: each is one statement (one snapshot, the
 * rollups and the tickets they do not hold read together), and the two spans share no ticket.
 */
export async function buildReport(sql: Sql, input: ReportInput): Promise<Report> {
  const { nowMs, period, span } = await context(sql, input);
  const [cur, prev, l] = await Promise.all([
    readSpan(sql, span(period.current, MAIN_DIMS)), readSpan(sql, span(period.previous, MAIN_DIMS)), labels(sql, input.streetOfficeId),
  ]);
  const total = (d: SpanData) => [...byKey(d, 'day').values()].reduce(addInto, zeroCounters());
  const curTotal = total(cur), prevTotal = total(prev);

  const perDay = byKey(cur, 'day');
  const heat = new Map<string, number>();
  for (const [k, c] of byKey(cur, 'dowhour')) heat.set(k, c.reported);
  const trend: TrendPoint[] = [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, c]) => ({
    day, reported: c.reported, due: c.resp_due, onTime: c.resp_on_time, rate: c.resp_due ? c.resp_on_time / c.resp_due : null,
  }));
  const causes = byKey(cur, 'cause');
  return {
    period, scope: input.scope, generatedAt: new Date(nowMs).toISOString(),
    current: { counters: curTotal, hist: cur.hist, figures: figures(curTotal, cur.hist) },
    previous: { counters: prevTotal, hist: prev.hist, figures: figures(prevTotal, prev.hist) },
    trend,
    heatmap: [...heat].map(([k, n]) => { const [d, h] = k.split(':').map(Number); return [d, h, n] as [number, number, number]; })
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
    causes: LATE_CAUSES.map((cause: LateCause) => {
      const c = causes.get(cause);
      return { cause, late: c ? c.resp_due - c.resp_on_time : 0, passes: c?.offer_passes ?? 0 };
    }),
    breakdowns: {
      community: breakdown('community', cur, prev, l),
      grid: breakdown('grid', cur, prev, l),
      category: breakdown('category', cur, prev, l),
      channel: breakdown('channel', cur, prev, l),
      hour: breakdown('hour', cur, prev, l),
    },
    targets: l.targets,
    source: cur.source,
  };
}

/** One breakdown on its own (the responder table, and the CSV of any breakdown). */
export async function buildBreakdown(sql: Sql, input: ReportInput & { by: BreakdownDim }): Promise<BreakdownRow[]> {
  const { period, span } = await context(sql, input);
  const dim = SOURCE_DIM[input.by];
  const [cur, prev] = await Promise.all([readSpan(sql, span(period.current, [dim])), readSpan(sql, span(period.previous, [dim]))]);
  const ids = input.by === 'responder' ? [...new Set([...cur.rows, ...prev.rows].map((r) => r.key).filter((k) => k !== ''))] : [];
  return breakdown(input.by, cur, prev, await labels(sql, input.streetOfficeId, ids));
}
