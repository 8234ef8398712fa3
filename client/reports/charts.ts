// The reports page's charts as pure functions of the report (unit-tested without a browser): the daily trend and the
// response-time histogram with its target lines as chart specs that Plot.svelte hands to uPlot, and the weekday × hour
// heat map as a grid of cells (HeatGrid.svelte). The grid map is GridRateMap, on Leaflet.
import type { Histogram } from '../../shared/metrics.ts';
import type { Report } from '../../shared/reports.ts';
import { ratePct } from '../../shared/reports.ts';

export interface SeriesSpec {
  label: string;
  kind: 'bars' | 'line';
  /** One value per category; null: no value that day (a line spans the gap). */
  values: Array<number | null>;
  color: string;
  /** Bars only: a colour per bar instead of one. */
  colors?: string[];
  axis: 'left' | 'right';
}
export interface AxisSpec { min?: number; max?: number; percent?: boolean; integer?: boolean; label?: string }
/** A bar or line chart over categories (days, minutes), with up to two value axes and marked vertical lines. */
export interface ChartSpec {
  /** What a category is (the legend's first entry: the hovered day or minute). */
  xLabel: string;
  categories: string[];
  series: SeriesSpec[];
  left: AxisSpec;
  right?: AxisSpec;
  /** Vertical marks at a position in category units (0 = the first category's centre). */
  marks?: Array<{ at: number; label: string; color: string }>;
}

export const CHART_COLORS = { text: '#8fa1bd', axis: '#3a4a66', grid: '#1d2b45', volume: '#1e3a5f', rate: '#38bdf8', ok: '#22c55e', warn: '#f5a524', late: '#f04444' };

export function trendChart(r: Report, labels: { day: string; rate: string; volume: string }): ChartSpec {
  return {
    xLabel: labels.day,
    categories: r.trend.map((p) => p.day.slice(5)),
    series: [
      { label: labels.volume, kind: 'bars', values: r.trend.map((p) => p.reported), color: CHART_COLORS.volume, axis: 'right' },
      { label: labels.rate, kind: 'line', values: r.trend.map((p) => ratePct(p.rate)), color: CHART_COLORS.rate, axis: 'left' },
    ],
    left: { min: 0, max: 100, percent: true },
    right: { min: 0, integer: true },
  };
}

/** Response times in whole minutes (bars), with a marked line at each response target. */
export function histogramBins(h: Histogram, maxMin = 30, atLeast = 0): Array<[number, number]> {
  const bins = new Map<number, number>();
  for (const [s, n] of h) { const k = Math.min(Math.floor(s / 60), maxMin); bins.set(k, (bins.get(k) ?? 0) + n); }
  const top = Math.min(maxMin, Math.max(atLeast, ...bins.keys()));
  return Array.from({ length: top + 1 }, (_, k) => [k, bins.get(k) ?? 0]);
}

export function histogramChart(r: Report, labels: { minute: string; count: string; target: (min: number) => string }): ChartSpec {
  // Wide enough to show every target line, and a little past the longest.
  const bins = histogramBins(r.current.hist.response, 30, Math.max(0, ...r.targets) / 60 + 2);
  const longest = Math.max(...r.targets) / 60;
  // Minute k holds responses of k to k+1 minutes: late for a target of t minutes once k >= t.
  const colorOf = (k: number) => (r.targets.some((t) => k >= t / 60) ? (k >= longest ? CHART_COLORS.late : CHART_COLORS.warn) : CHART_COLORS.ok);
  return {
    xLabel: labels.minute,
    categories: bins.map(([k]) => (k === 30 ? '30+' : String(k))),
    series: [{ label: labels.count, kind: 'bars', values: bins.map(([, n]) => n), color: CHART_COLORS.ok, colors: bins.map(([k]) => colorOf(k)), axis: 'left' }],
    left: { min: 0, integer: true },
    // A line between the bars of the minute before the target and the minute it ends in: bars right of it are late.
    marks: r.targets.map((t) => ({ at: Math.min(30, t / 60) - 0.5, label: labels.target(t / 60), color: CHART_COLORS.warn })),
  };
}

/** The heat map's colour ramp, dark (none) to bright (the busiest hour). */
export const HEAT_RAMP = ['#0f1d33', '#1d4ed8', '#38bdf8', '#fde68a'];

function mix(a: string, b: string, f: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16)), pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((v, i) => Math.round(v + (pb[i] - v) * f).toString(16).padStart(2, '0')).join('')}`;
}

/** A count's colour on the ramp, 0 → the first stop, max → the last. */
export function heatColor(n: number, max: number): string {
  const x = Math.max(0, Math.min(1, max > 0 ? n / max : 0)) * (HEAT_RAMP.length - 1);
  const i = Math.min(HEAT_RAMP.length - 2, Math.floor(x));
  return mix(HEAT_RAMP[i], HEAT_RAMP[i + 1], x - i);
}

export interface HeatRow { label: string; cells: Array<{ hour: number; n: number; color: string }> }

/** Tickets by weekday (rows, as the report numbers them: 0 = the first of `weekdays`) × hour of day (24 columns). */
export function heatRows(r: Report, weekdays: string[]): { rows: HeatRow[]; max: number } {
  const counts = weekdays.map(() => new Array<number>(24).fill(0));
  for (const [d, h, n] of r.heatmap) if (counts[d] && h >= 0 && h < 24) counts[d][h] += n;
  const max = Math.max(0, ...counts.flat());
  return { max, rows: weekdays.map((label, d) => ({ label, cells: counts[d].map((n, hour) => ({ hour, n, color: heatColor(n, max) })) })) };
}
