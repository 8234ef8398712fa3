// Metric definitions, once: the counters SQL computes from each ticket's history (server/reports/counters.ts builds
// one expression per counter), the figures made from them with their exact wording, percentiles, Wilson intervals.
// The wall's KPI board, the reports page, its exports and the README all read these.
import type { KpiBoard, WallKpiBoard } from './api.ts';

/**
 * Counters over the tickets reported in a period (a ticket belongs to the period its `reported_at` falls in), judged
 * at the moment of the request. Additive, so that rollups of days and months sum to the same figures.
 * Durations are whole seconds (rounded down).
 */
export const COUNTERS = [
  'reported', 'excluded', 'resp_due', 'resp_on_time', 'resp_open_late', 'resp_n', 'resp_sum_s',
  'accept_n', 'accept_sum_s', 'arrive_n', 'arrive_sum_s', 'resolved_n', 'resolution_sum_s', 'closed',
  'res_due', 'res_on_time', 'rated', 'satisfied', 'reopened', 'ever_resolved', 'escalated', 'esc_due', 'esc_on_time',
  'offer_passes',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const COUNTER_LABELS: Record<Counter, { zh: string; en: string }> = {
  reported: { zh: '上报工单', en: 'Reported' },
  excluded: { zh: '不予受理（剔除）', en: 'Excluded (rejected)' },
  resp_due: { zh: '应响应', en: 'Response due' },
  resp_on_time: { zh: '按时响应', en: 'Responded on time' },
  resp_open_late: { zh: '超时仍未响应', en: 'Still unanswered past target' },
  resp_n: { zh: '已响应', en: 'Responded' },
  resp_sum_s: { zh: '响应时长合计（秒）', en: 'Response time total (s)' },
  accept_n: { zh: '已接单', en: 'Accepted' },
  accept_sum_s: { zh: '接单时长合计（秒）', en: 'Time to accept total (s)' },
  arrive_n: { zh: '接单后到场', en: 'Arrived after accepting' },
  arrive_sum_s: { zh: '到场时长合计（秒）', en: 'Time to arrive total (s)' },
  resolved_n: { zh: '已办结', en: 'Resolved' },
  resolution_sum_s: { zh: '办结时长合计（秒）', en: 'Resolution time total (s)' },
  closed: { zh: '已销号', en: 'Closed' },
  res_due: { zh: '应办结', en: 'Resolution due' },
  res_on_time: { zh: '按期办结', en: 'Resolved on time' },
  rated: { zh: '已评价', en: 'Rated' },
  satisfied: { zh: '满意（4–5星）', en: 'Satisfied (4–5)' },
  reopened: { zh: '返工（重启过）', en: 'Reopened' },
  ever_resolved: { zh: '曾办结', en: 'Ever resolved' },
  escalated: { zh: '吹哨', en: 'Escalated' },
  esc_due: { zh: '部门应办结', en: 'Department due' },
  esc_on_time: { zh: '部门按期办结', en: 'Department on time' },
  offer_passes: { zh: '拒单/派单超时次数', en: 'Offers declined or timed out' },
};

const ZERO = Object.freeze(Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters);
/** A year's report adds up tens of thousands of rows: these are plain loops over a fixed shape, not Object.fromEntries. */
export function zeroCounters(): Counters {
  return { ...ZERO };
}
/** Adds `b` into `into` (mutating it) and returns it. */
export function addInto(into: Counters, b: Counters): Counters {
  for (const c of COUNTERS) into[c] += b[c];
  return into;
}

/** Distributions kept for percentiles: value (whole seconds; ten-minute steps for resolution) → number of tickets. */
export const HIST_METRICS = ['response', 'accept', 'arrive', 'resolution'] as const;
export type HistMetric = (typeof HIST_METRICS)[number];
/**
 * Seconds per histogram unit: response, acceptance and arrival to the second; resolution times (hours to days) in
 * ten-minute steps, which keeps a year's distribution to a few thousand rows.
 */
export const HIST_UNIT_S: Record<HistMetric, number> = { response: 1, accept: 1, arrive: 1, resolution: 600 };
/** Sorted by value, ascending. */
export type Histogram = Array<[value: number, n: number]>;
export type Histograms = Record<HistMetric, Histogram>;

/** Nearest-rank percentile (rank ⌈p·n⌉) of a sorted list. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** The same nearest-rank percentile over a histogram (value, count) sorted by value. */
export function percentileOfHistogram(h: Histogram, p: number): number | null {
  const n = h.reduce((s, [, k]) => s + k, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (const [v, k] of h) { seen += k; if (seen >= rank) return v; }
  return h[h.length - 1][0];
}

export const FIGURE_IDS = [
  'onTimeResponseRate', 'responseP50S', 'responseP90S', 'acceptP50S', 'arriveP50S', 'resolutionP50S',
  'closureRate', 'onTimeResolutionRate', 'satisfactionRate', 'reworkRate', 'escalations', 'escalationOnTimeRate',
] as const;
export type FigureId = (typeof FIGURE_IDS)[number];
export type Figures = Record<FigureId, number | null>;

export interface FigureDef {
  zh: string; en: string;
  /** The exact definition, as the page's "?" shows it and the README states it. */
  defZh: string; defEn: string;
  unit: 'rate' | 'seconds' | 'count';
  /** Which way is better, for the comparison with the previous period. */
  better: 'higher' | 'lower' | null;
}

export const FIGURES: Record<FigureId, FigureDef> = {
  onTimeResponseRate: {
    zh: '按时响应率', en: 'On-time response rate', unit: 'rate', better: 'higher',
    defZh: '按时响应 ÷ 应响应。应响应 = 已响应的工单 + 超过响应时限仍未响应的工单（后者计为超时）；响应时间 = 到场或联系居民时刻 − 上报时刻，恰在时限内（含）为按时；不予受理的工单剔除并单列。',
    defEn: 'Responded within target ÷ response due. Due = responded, plus unanswered past the target (those count as late); response time = on site or resident contacted − reported; exactly at the target is on time; rejected tickets are excluded and shown as excluded.',
  },
  responseP50S: {
    zh: '响应时长中位数', en: 'Median response time', unit: 'seconds', better: 'lower',
    defZh: '已响应工单的响应时间（整秒）按最近秩法取 P50：排序后第 ⌈0.5·n⌉ 个。',
    defEn: 'P50 of responded tickets\' response times (whole seconds), nearest rank: the ⌈0.5·n⌉-th in order.',
  },
  responseP90S: {
    zh: '响应时长 P90', en: 'Response time P90', unit: 'seconds', better: 'lower',
    defZh: '已响应工单的响应时间（整秒）按最近秩法取 P90：排序后第 ⌈0.9·n⌉ 个。',
    defEn: 'P90 of responded tickets\' response times (whole seconds), nearest rank.',
  },
  acceptP50S: {
    zh: '接单时长中位数', en: 'Median time to accept', unit: 'seconds', better: 'lower',
    defZh: '首次接单时刻 − 上报时刻（整秒）的中位数（最近秩法），只计已接单的工单。',
    defEn: 'Median (nearest rank) of first acceptance − reported, whole seconds, over accepted tickets.',
  },
  arriveP50S: {
    zh: '到场时长中位数', en: 'Median time to arrive', unit: 'seconds', better: 'lower',
    defZh: '响应时刻 − 首次接单时刻（整秒）的中位数（最近秩法），只计接单后响应的工单。',
    defEn: 'Median (nearest rank) of response − first acceptance, whole seconds, over tickets accepted then responded.',
  },
  resolutionP50S: {
    zh: '办结时长中位数', en: 'Median resolution time', unit: 'seconds', better: 'lower',
    defZh: '办结时刻 − 上报时刻（按 10 分钟向下取整）的中位数（最近秩法），只计当前已办结的工单。',
    defEn: 'Median (nearest rank) of resolved − reported, rounded down to 10 minutes, over tickets currently resolved.',
  },
  closureRate: {
    zh: '办结率', en: 'Closure rate', unit: 'rate', better: 'higher',
    defZh: '已核实销号 ÷ 有效工单（有效 = 上报 − 不予受理）。',
    defEn: 'Closed (verified, 销号) ÷ valid tickets (valid = reported − rejected).',
  },
  onTimeResolutionRate: {
    zh: '按期办结率', en: 'On-time resolution rate', unit: 'rate', better: 'higher',
    defZh: '在类别办结时限内办结 ÷ 应办结（已办结 + 超过办结时限仍未办结）；不予受理剔除。',
    defEn: 'Resolved within the category\'s resolution target ÷ resolution due (resolved, plus unresolved past it); rejected excluded.',
  },
  satisfactionRate: {
    zh: '满意率', en: 'Satisfaction', unit: 'rate', better: 'higher',
    defZh: '居民评价 4 星及以上 ÷ 已评价工单。',
    defEn: 'Ratings of 4 or 5 ÷ rated tickets.',
  },
  reworkRate: {
    zh: '返工率', en: 'Rework rate', unit: 'rate', better: 'lower',
    defZh: '重启过（居民不满意退回）的工单 ÷ 曾办结的工单。',
    defEn: 'Tickets ever reopened ÷ tickets ever resolved.',
  },
  escalations: {
    zh: '吹哨数', en: 'Escalations', unit: 'count', better: null,
    defZh: '吹哨转交职能部门的工单数。',
    defEn: 'Tickets handed to a city department (吹哨).',
  },
  escalationOnTimeRate: {
    zh: '部门按期办结率', en: 'Departments on time', unit: 'rate', better: 'higher',
    defZh: '吹哨工单在部门时限内办结 ÷ 部门应办结（已办结 + 超过部门时限仍未办结）。',
    defEn: 'Escalated tickets resolved within the department\'s time limit ÷ department due (resolved, plus unresolved past the limit).',
  },
};

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const unit = (h: Histogram, m: HistMetric, p: number) => {
  const v = percentileOfHistogram(h, p);
  return v == null ? null : v * HIST_UNIT_S[m];
};

export function figures(c: Counters, h: Histograms): Figures {
  return {
    onTimeResponseRate: ratio(c.resp_on_time, c.resp_due),
    responseP50S: unit(h.response, 'response', 50),
    responseP90S: unit(h.response, 'response', 90),
    acceptP50S: unit(h.accept, 'accept', 50),
    arriveP50S: unit(h.arrive, 'arrive', 50),
    resolutionP50S: unit(h.resolution, 'resolution', 50),
    closureRate: ratio(c.closed, c.reported - c.excluded),
    onTimeResolutionRate: ratio(c.res_on_time, c.res_due),
    satisfactionRate: ratio(c.satisfied, c.rated),
    reworkRate: ratio(c.reopened, c.ever_resolved),
    escalations: c.escalated,
    escalationOnTimeRate: ratio(c.esc_on_time, c.esc_due),
  };
}

/** Mean response time (breakdown rows; percentiles need the whole distribution, means add up). */
export function meanResponseS(c: Counters): number | null {
  return c.resp_n === 0 ? null : c.resp_sum_s / c.resp_n;
}

/** The 95 % Wilson score interval of an on-time rate: honest for small samples (2 of 2 is not 100 %). */
export function wilson(successes: number, n: number, z = 1.96): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = successes / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Grids with fewer responses due than this are listed but not ranked in the league table. */
export const LEAGUE_MIN_DUE = 20;

/** Today's figures on the wall (the KPI board): the same counters and definitions as the reports. */
export interface Kpis {
  reported: number;
  excluded: number;
  responseDue: number;
  respondedOnTime: number;
  onTimeResponseRate: number | null;
  responseP50S: number | null;
  responseP90S: number | null;
  closureRate: number | null;
  onTimeResolutionRate: number | null;
  satisfactionRate: number | null;
  rated: number;
  reworkRate: number | null;
  escalations: number;
}

export function kpisFrom(c: Counters, h: Histograms): Kpis {
  const f = figures(c, h);
  return {
    reported: c.reported, excluded: c.excluded, responseDue: c.resp_due, respondedOnTime: c.resp_on_time,
    onTimeResponseRate: f.onTimeResponseRate, responseP50S: f.responseP50S, responseP90S: f.responseP90S,
    closureRate: f.closureRate, onTimeResolutionRate: f.onTimeResolutionRate, satisfactionRate: f.satisfactionRate,
    rated: c.rated, reworkRate: f.reworkRate, escalations: c.escalated,
  };
}

/**
 * The board as live screens get it: the day's figures in full, and per community only the two rates the wall's table
 * shows. The full board (GET /api/metrics/today) was ~35 KB for a city's 100 communities, pushed to every screen
 * about once a second: as many bytes as all the positions the screen got in that second.
 */
export function wallKpiBoard(b: KpiBoard): WallKpiBoard {
  return {
    since: b.since, today: b.today,
    perCommunity: b.perCommunity.map((c) => ({ communityId: c.communityId, onTimeResponseRate: c.kpis.onTimeResponseRate, closureRate: c.kpis.closureRate })),
  };
}

