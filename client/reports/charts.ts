// ECharts options for the reports page, as pure functions of the report (unit-tested without a browser): daily trend,
// response-time histogram with the target lines, weekday × hour heat map (the grid map is GridRateMap, on Leaflet).
import type { EChartsOption } from 'echarts';
import type { Histogram } from '../../shared/metrics.ts';
import type { Report } from '../../shared/reports.ts';
import { ratePct } from '../../shared/reports.ts';

const AXIS = { axisLine: { lineStyle: { color: '#3a4a66' } }, axisLabel: { color: '#8fa1bd' }, splitLine: { lineStyle: { color: '#1d2b45' } } };
const TEXT = { color: '#e8eef8', fontFamily: "'Noto Sans SC', sans-serif" };
export const CHART_BASE: EChartsOption = { backgroundColor: 'transparent', textStyle: TEXT, animation: false, grid: { left: 48, right: 48, top: 36, bottom: 30 } };

export function trendOption(r: Report, labels: { rate: string; volume: string }): EChartsOption {
  return {
    ...CHART_BASE,
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.rate, labels.volume], textStyle: { color: '#8fa1bd' }, top: 0 },
    xAxis: { type: 'category', data: r.trend.map((p) => p.day.slice(5)), ...AXIS },
    yAxis: [
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%', color: '#8fa1bd' }, splitLine: AXIS.splitLine },
      { type: 'value', minInterval: 1, ...AXIS, splitLine: { show: false } },
    ],
    series: [
      { name: labels.volume, type: 'bar', yAxisIndex: 1, data: r.trend.map((p) => p.reported), itemStyle: { color: '#1e3a5f' } },
      { name: labels.rate, type: 'line', data: r.trend.map((p) => ratePct(p.rate)), itemStyle: { color: '#38bdf8' }, connectNulls: true, symbolSize: 5 },
    ],
  };
}

/** Response times in whole minutes (bars), with a marked line at each response target. */
export function histogramBins(h: Histogram, maxMin = 30, atLeast = 0): Array<[number, number]> {
  const bins = new Map<number, number>();
  for (const [s, n] of h) { const k = Math.min(Math.floor(s / 60), maxMin); bins.set(k, (bins.get(k) ?? 0) + n); }
  const top = Math.min(maxMin, Math.max(atLeast, ...bins.keys()));
  return Array.from({ length: top + 1 }, (_, k) => [k, bins.get(k) ?? 0]);
}

export function histogramOption(r: Report, label: (min: number) => string): EChartsOption {
  // Wide enough to show every target line, and a little past the longest.
  const bins = histogramBins(r.current.hist.response, 30, Math.max(0, ...r.targets) / 60 + 2);
  const cats = bins.map(([k]) => (k === 30 ? '30+' : String(k)));
  return {
    ...CHART_BASE,
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: cats, ...AXIS, name: 'min', nameTextStyle: { color: '#5b6b86' } },
    yAxis: { type: 'value', minInterval: 1, ...AXIS },
    series: [{
      type: 'bar', data: bins.map(([k, n]) => ({ value: n, itemStyle: { color: r.targets.some((t) => k >= t / 60) ? (k >= Math.max(...r.targets) / 60 ? '#f04444' : '#f5a524') : '#22c55e' } })),
      markLine: {
        symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#f5a524' },
        // A line between the bars of the minute the target ends in: bars right of it are late for that target.
        data: r.targets.map((t) => ({ xAxis: String(Math.min(30, t / 60)), label: { formatter: label(t / 60), color: '#f5a524' } })),
      },
    }],
  };
}

export function heatmapOption(r: Report, weekdays: string[]): EChartsOption {
  const max = Math.max(1, ...r.heatmap.map(([, , n]) => n));
  return {
    ...CHART_BASE,
    grid: { left: 40, right: 16, top: 10, bottom: 60 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), ...AXIS },
    yAxis: { type: 'category', data: weekdays, ...AXIS },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, textStyle: { color: '#8fa1bd' }, inRange: { color: ['#0f1d33', '#1d4ed8', '#38bdf8', '#fde68a'] } },
    series: [{ type: 'heatmap', data: r.heatmap.map(([d, h, n]) => [h, d, n]), emphasis: { itemStyle: { borderColor: '#fff', borderWidth: 1 } } }],
  };
}
