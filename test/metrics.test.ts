// The pure parts of shared/metrics.ts: nearest-rank percentiles (of lists and of the rollups' histograms) and the
// Wilson interval the league table ranks by.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { FIGURES, figures, percentile, percentileOfHistogram, wilson, zeroCounters, type Histogram } from '../shared/metrics.ts';
import { LATE_CAUSES, LATE_CAUSE_LABELS } from '../shared/why-late.ts';
import { breakdownRow, leagueShown, rankLeague } from '../shared/reports.ts';
import { CHART_COLORS, HEAT_RAMP, heatColor, heatRows, histogramBins, histogramChart, trendChart } from '../client/reports/charts.ts';
import type { Report } from '../shared/reports.ts';
import { GRID_LIST_MAX, gridChoices } from '../client/reports/pickers.ts';

test('p50/p90 by nearest rank', () => {
  assert.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50), 5);
  assert.is(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), 9);
  assert.is(percentile([7], 90), 7);
  assert.is(percentile([], 50), null);
});

test('a histogram gives the same percentile as the list it counts', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let k = 0; k < 200; k++) {
    const values = Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => Math.floor(rnd() * 40)).sort((a, b) => a - b);
    const h: Histogram = [];
    for (const v of values) { const last = h[h.length - 1]; if (last && last[0] === v) last[1]++; else h.push([v, 1]); }
    for (const p of [1, 10, 50, 90, 99, 100]) assert.is(percentileOfHistogram(h, p), percentile(values, p), `p${p} of ${values}`);
  }
  assert.is(percentileOfHistogram([], 50), null);
});

test('Wilson interval: small samples are not certain, large ones are tight', () => {
  const two = wilson(2, 2)!;
  assert.ok(two.low > 0.34 && two.low < 0.35, `2 of 2: low ${two.low}`);
  assert.is(two.high, 1);
  const big = wilson(190, 200)!;
  assert.ok(big.low > 0.91 && big.high < 0.98, `190 of 200: ${big.low}–${big.high}`);
  assert.is(wilson(0, 0), null);
});

test('the league does not rank 2 of 2 above 190 of 200, nor rank below the minimum sample', () => {
  const c = (due: number, onTime: number) => ({ ...zeroCounters(), resp_due: due, resp_on_time: onTime, reported: due });
  const rows = rankLeague([breakdownRow('a', 'A', c(2, 2), null), breakdownRow('b', 'B', c(200, 190), null), breakdownRow('c', 'C', c(40, 30), null)]);
  assert.equal(rows.map((r) => [r.key, r.rank]), [['a', null], ['b', 1], ['c', 2]]);
});

test('the histogram bins response seconds by minute, wide enough for every target line', () => {
  assert.equal(histogramBins([[59, 2], [60, 1], [125, 4]], 30, 0), [[0, 2], [1, 1], [2, 4]]);
  assert.equal(histogramBins([[30, 1]], 30, 12).length, 13);
  assert.equal(histogramBins([[4000, 3]], 30, 0).at(-1), [30, 3], 'everything past 30 minutes in the last bin');
});

test('the histogram chart colours each minute by the targets it is late for and marks each target between its bars', () => {
  const r = { targets: [600, 1200], current: { hist: { response: [[30, 5], [610, 2], [1300, 1]] } } } as unknown as Report;
  const c = histogramChart(r, { minute: 'min', count: 'n', target: (min) => `${min} min` });
  assert.is(c.categories.length, 23, 'up to two minutes past the longest target');
  assert.equal(c.series[0].values.slice(0, 1), [5]);
  assert.is(c.series[0].values[10], 2);
  // Minutes 0–9 on time for both targets, 10–19 late for the 10-minute one, 20+ late for both.
  assert.equal([0, 9, 10, 19, 20, 22].map((k) => c.series[0].colors![k]), [CHART_COLORS.ok, CHART_COLORS.ok, CHART_COLORS.warn, CHART_COLORS.warn, CHART_COLORS.late, CHART_COLORS.late]);
  assert.equal(c.marks!.map((mk) => [mk.at, mk.label]), [[9.5, '10 min'], [19.5, '20 min']]);
});

test('the trend chart has a day per category, the volume on its own axis and the rate in percent with gaps kept', () => {
  const r = { trend: [{ day: '2026-11-01', reported: 4, rate: 0.5 }, { day: '2026-11-02', reported: 0, rate: null }] } as unknown as Report;
  const c = trendChart(r, { day: 'day', rate: 'rate', volume: 'n' });
  assert.equal(c.categories, ['11-01', '11-02']);
  assert.equal(c.series.map((s) => [s.kind, s.axis, s.values]), [['bars', 'right', [4, 0]], ['line', 'left', [50, null]]]);
  assert.equal([c.left.min, c.left.max, c.left.percent], [0, 100, true]);
});

test('the heat map: a row per weekday, 24 hours each, the ramp from none to the busiest hour', () => {
  const r = { heatmap: [[0, 9, 12], [6, 23, 3], [9, 1, 7], [2, 30, 1]] } as unknown as Report;
  const { rows, max } = heatRows(r, ['一', '二', '三', '四', '五', '六', '日']);
  assert.is(max, 12);
  assert.equal(rows.map((x) => x.cells.length), [24, 24, 24, 24, 24, 24, 24]);
  assert.is(rows[0].cells[9].n, 12);
  assert.is(rows[6].cells[23].n, 3);
  assert.is(rows.flatMap((x) => x.cells).reduce((s, c) => s + c.n, 0), 15, 'out-of-range weekdays and hours are left out');
  assert.is(rows[0].cells[9].color, HEAT_RAMP.at(-1));
  assert.is(rows[0].cells[0].color, HEAT_RAMP[0]);
  assert.is(heatColor(6, 12), '#2b86e8', 'halfway: between the second and third stops');
});

test('empty periods give nulls, not zeros', () => {
  const f = figures(zeroCounters(), { response: [], accept: [], arrive: [], resolution: [] });
  assert.is(f.onTimeResponseRate, null);
  assert.is(f.closureRate, null);
  assert.is(f.responseP50S, null);
  assert.is(f.escalations, 0);
});

test('the README states every figure and every why-late cause exactly as the code defines them', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  for (const [id, f] of Object.entries(FIGURES)) assert.ok(readme.includes(`| ${f.zh} · ${f.en} | ${f.defEn} |`), `README row for ${id}`);
  LATE_CAUSES.forEach((c, i) => assert.ok(readme.includes(`| ${i + 1} | ${LATE_CAUSE_LABELS[c].zh} · ${LATE_CAUSE_LABELS[c].en} | ${LATE_CAUSE_LABELS[c].defEn} |`), `README row for ${c}`));
});

test("a city's league shows its best and worst 15 grids first, every one once asked; a street office's all of them", () => {
  const city = Array.from({ length: 1500 }, (_, i) => i + 1);
  const first = leagueShown(city, false);
  assert.equal(first.slice(0, 15), city.slice(0, 15));
  assert.is(first[15], null, 'a gap between the ends');
  assert.equal(first.slice(16), city.slice(-15), 'the worst fifteen, in rank order');
  assert.equal(leagueShown(city, true), city);
  const office = Array.from({ length: 31 }, (_, i) => i + 1);
  assert.equal(leagueShown(office, false), office, '31 grids fit whole: no gap hiding a single grid');
});


test("the report's grid picker lists a street office's grids, and past 60 only the community in scope's", () => {
  const office = Array.from({ length: 40 }, (_, i) => ({ id: String(i), communityId: String(i % 4) }));
  assert.is(gridChoices(office, { kind: 'street_office' }).length, 40);
  const city = Array.from({ length: 1500 }, (_, i) => ({ id: String(i), communityId: String(i % 126) }));
  assert.equal(gridChoices(city, { kind: 'street_office' }), [], 'no 1,500-name list');
  const inCommunity = gridChoices(city, { kind: 'community', communityId: '7' });
  assert.ok(inCommunity.length > 0 && inCommunity.every((g) => g.communityId === '7'));
  assert.equal(gridChoices(city, { kind: 'grid', gridId: '133' }).map((g) => g.id), city.filter((g) => g.communityId === '7').map((g) => g.id), 'a grid in scope lists its community');
  assert.ok(office.length <= GRID_LIST_MAX && city.length > GRID_LIST_MAX);
});

test.run();
