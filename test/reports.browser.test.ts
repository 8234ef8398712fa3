// The reports page in real headless Chromium: a manager lands on it, it shows the API's numbers and the exports carry
// the same (CSV and XLSX downloaded and parsed back), definitions open, a why-late cause opens its tickets and a
// ticket's timeline, leaders reach it from the console with only their grids, responders get nothing; the 日报 prints.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { ARTIFACTS, ensureClientBuilt, launchBrowser } from './helpers/browser.ts';
import { BREAKDOWN_COLUMNS, FIGURE_IDS, figureValue, localDay, addDays, ratePct, type Report } from '../shared/reports.ts';
import { reportsPageReads } from '../shared/report-queries.ts';
import { FIGURES } from '../shared/metrics.ts';
import { GRID_BINS, RATE_BINS, rateBin } from '../client/map/colors.ts';

interface Ctx { s: TestServer; browser: Browser; page: Page; report: Report; qs: string }
const B = suite<Ctx>('reports page');

B.before(async (ctx) => {
  await ensureClientBuilt();
  await mkdir(ARTIFACTS, { recursive: true });
  ctx.s = await startTestServer();
  ctx.browser = await launchBrowser();
  // The demo's history: yesterday and today.
  const today = localDay(Date.now(), 480);
  ctx.qs = `period=custom&from=${addDays(today, -1)}&to=${today}`;
});
B.after(async ({ s, browser }) => {
  await browser?.close();
  await s?.close();
});

async function signIn(ctx: Ctx, username: string): Promise<Page> {
  const page = await ctx.browser.newPage({ viewport: { width: 1600, height: 1000 }, acceptDownloads: true });
  await page.goto(`${ctx.s.url}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[type=password]', 'demo1234');
  await page.keyboard.press('Enter');
  return page;
}

const pctText = (v: number | null) => (v == null ? '—' : `${v.toFixed(1)}%`);
const cellText = (v: string | number | null, kind: string) => (v == null ? '—' : kind === 'pct' ? (v as number).toFixed(1) : String(v));

B('a manager lands on /reports; the page shows the API\'s figures, with definitions one click away', async (ctx) => {
  const page = ctx.page = await signIn(ctx, 'manager');
  await page.waitForURL(/\/reports/);
  await page.waitForSelector('[data-testid=reports][data-ready=true]', { timeout: 15_000 });
  await page.goto(`${ctx.s.url}/reports?${ctx.qs}`);
  await page.waitForSelector('[data-testid=reports][data-ready=true]', { timeout: 15_000 });
  // Its head named the page's chunk and its first reads (server/http/page-hints.ts), and the page's own fetches took
  // the preloaded answers over: each read went to the server once, as the preload.
  assert.ok(await page.locator('head link[rel=modulepreload][href*="/ReportsPage-"]').count(), 'the reports chunk is preloaded');
  const reads = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/api/'))
    .map((e) => ({ url: new URL(e.name).pathname + new URL(e.name).search, by: (e as PerformanceResourceTiming).initiatorType })));
  for (const want of reportsPageReads(`?${ctx.qs}`)) assert.equal(reads.filter((r) => r.url === want).map((r) => r.by), ['link'], want);
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const api = await ctx.s.api('GET', `/api/reports?${ctx.qs}`, { cookie });
  assert.is(api.status, 200);
  const r = ctx.report = api.body as Report;
  assert.ok(r.current.counters.reported > 10, 'the demo has tickets in the period');
  for (const id of FIGURE_IDS) {
    const el = page.locator(`[data-testid=value-${id}]`);
    const want = figureValue(id, r.current.figures);
    assert.is(await el.getAttribute('data-value'), want == null ? '' : String(want), id);
    if (FIGURES[id].unit === 'rate') assert.is(await el.innerText(), pctText(want), `${id} as printed`);
    assert.is(await page.locator(`[data-testid=prev-${id}]`).getAttribute('data-value'), String(figureValue(id, r.previous.figures) ?? ''), `${id} previous`);
  }
  assert.is(await page.locator('[data-testid=count-due]').innerText(), r.current.counters.resp_due.toLocaleString('zh-CN'));
  assert.is(await page.locator('[data-testid=count-late]').innerText(), String(r.current.counters.resp_due - r.current.counters.resp_on_time));
  // The definition is one click away and is the shared wording.
  await page.click('[data-testid=def-onTimeResponseRate]');
  assert.is(await page.locator('[data-testid=definition-onTimeResponseRate]').innerText(), FIGURES.onTimeResponseRate.defZh);
  await page.click('[data-testid=def-onTimeResponseRate]');
  // The breakdown table prints the export's columns.
  const rows = await page.locator('[data-testid=breakdown-community] tbody tr').all();
  assert.is(rows.length, r.breakdowns.community.length);
  for (const row of rows) {
    const key = await row.getAttribute('data-key');
    const b = r.breakdowns.community.find((x) => x.key === key)!;
    const cells = await row.locator('td').allInnerTexts();
    assert.is(cells[0], b.label);
    assert.equal(cells.slice(1), BREAKDOWN_COLUMNS.map((c) => cellText(c.value(b), c.kind)), b.label);
  }
  // Sortable: by on-time rate, descending then ascending.
  await page.click('[data-testid=breakdown-community] th button[data-sort=rate]');
  const rates = async () => (await page.locator('[data-testid=breakdown-community] tbody td[data-col=rate]').allInnerTexts()).filter((x) => x !== '—').map(Number);
  const desc = await rates();
  assert.equal(desc, [...desc].sort((a, b) => b - a));
  await page.click('[data-testid=breakdown-community] th button[data-sort=rate]');
  const asc = await rates();
  assert.equal(asc, [...asc].sort((a, b) => a - b));
  // Every chart drew.
  for (const c of ['trend', 'histogram', 'heatmap', 'map']) assert.is(await page.locator(`[data-testid=chart-${c}]`).getAttribute('data-drawn'), 'true', c);
  // Hovering a day of the trend names it and its figures in the chart's legend (the report's own numbers).
  await page.locator('[data-testid=chart-trend]').scrollIntoViewIfNeeded();
  const trend = (await page.locator('[data-testid=chart-trend] .u-over').boundingBox())!;
  await page.mouse.move(trend.x + trend.width - 2, trend.y + trend.height / 2);
  const last = ctx.report.trend.at(-1)!;
  const legend = page.locator('[data-testid=chart-trend] .u-legend .u-value');
  await page.waitForFunction(() => document.querySelector('[data-testid=chart-trend] .u-legend .u-value')?.textContent !== '—', null, { timeout: 5000 });
  assert.equal(await legend.allInnerTexts(),
    [last.day.slice(5), last.reported.toLocaleString('zh-CN'), last.rate == null ? '—' : `${ratePct(last.rate)}%`]);
  // The heat map's cells carry the report's counts: 7 weekdays × 24 hours, the busiest hour named on hover.
  assert.is(await page.locator('[data-testid=chart-heatmap] .cell').count(), 168);
  const busiest = ctx.report.heatmap.reduce((a, b) => (b[2] > a[2] ? b : a));
  const cell = page.locator('[data-testid=chart-heatmap] [role=row]').nth(busiest[0] + 1).locator('.cell').nth(busiest[1]);
  assert.is(await cell.getAttribute('data-n'), String(busiest[2]));
  assert.match((await cell.getAttribute('title'))!, `: ${busiest[2]}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(ARTIFACTS, 'reports.png'), fullPage: true });
});

B('the grid map fills each grid with its on-time rate\'s colour, and a click on a grid opens that grid\'s tickets', async (ctx) => {
  const page = ctx.page, r = ctx.report;
  const fills = new Map([...RATE_BINS.map((b) => [b.fill, b] as const), [GRID_BINS[0].fill, null]]);
  const hex = (rgb: number[]) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
  // In view first: a click outside the viewport reaches nothing (the map sits below the charts).
  await page.locator('[data-testid=chart-map]').scrollIntoViewIfNeeded();
  const box = (await page.locator('[data-testid=chart-map]').boundingBox())!;
  const viewport = page.viewportSize()!;
  // A lattice of points over the map; where the canvas shows a grid's fill (not an outline), the grid under the point
  // is the one the click must open, and its colour must be its rate's bin.
  const seen = new Set<string>();
  let checked = 0;
  for (let i = 1; i < 6 && checked < 4; i++) for (let j = 1; j < 5 && checked < 4; j++) {
    const x = box.x + (box.width * i) / 6, y = box.y + (box.height * j) / 5;
    if (y >= viewport.height) continue;
    const rgba = await page.evaluate(([cx, cy]) => {
      const c = document.querySelector('.leaflet-gridops-grids-pane canvas') as HTMLCanvasElement;
      const b = c.getBoundingClientRect();
      const d = c.getContext('2d')!.getImageData(Math.round(((cx - b.left) * c.width) / b.width), Math.round(((cy - b.top) * c.height) / b.height), 1, 1).data;
      return [d[0], d[1], d[2], d[3]];
    }, [x, y]);
    const fill = hex(rgba.slice(0, 3));
    if (rgba[3] === 0 || !fills.has(fill) || seen.has(fill)) continue;
    await page.mouse.click(x, y);
    const title = await page.locator('[data-testid=drill] h3').innerText({ timeout: 5000 });
    const row = r.breakdowns.grid.find((g) => title.endsWith(g.label));
    const bin = fills.get(fill);
    if (bin === null) assert.ok(!row || row.onTimeRate == null, `${title}: drawn as nothing due`);
    else {
      assert.ok(row, `${title}: a grid of the report`);
      assert.is(bin, rateBin(row!.onTimeRate!), `${title}: ${row!.onTimeRate} drawn as ${fill}`);
      assert.match(await page.locator('.gridops-tip').innerText(), pctText(ratePct(row!.onTimeRate)), 'the tooltip shows the rate');
    }
    seen.add(fill);
    checked++;
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=drill]').waitFor({ state: 'detached' });
  }
  assert.ok(checked >= 1, 'a grid was found on the map');
});

B('the CSV and the XLSX the page offers carry the numbers on the page', async (ctx) => {
  const page = ctx.page, r = ctx.report;
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-csv]')]);
  const csv = (await readFile((await csvDl.path())!, 'utf8'));
  assert.ok(csv.startsWith('\uFEFF'), 'BOM for Excel');
  const lines = csv.slice(1).trim().split(/\r\n/).map((l) => l.split(',').map((c) => c.replace(/^"|"$/g, '').replace(/""/g, '"')));
  assert.equal(lines[0][0], '社区');
  const tableRows = await page.locator('[data-testid=breakdown-community] tbody tr').all();
  for (const row of tableRows) {
    const cells = await row.locator('td').allInnerTexts();
    const line = lines.find((l) => l[0] === cells[0])!;
    assert.ok(line, `CSV row for ${cells[0]}`);
    // The same numbers: the CSV stores them as numbers, the page prints rates to one decimal.
    const asNum = (c: string) => (c === '' || c === '—' ? null : Number(c));
    assert.equal(line.slice(1).map(asNum), cells.slice(1).map(asNum), cells[0]);
  }
  const [xlsxDl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=export-xlsx]')]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await readFile((await xlsxDl.path())!) as never);
  const summary = wb.getWorksheet('概览')!;
  const values = new Map<string, unknown>();
  summary.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
  for (const id of FIGURE_IDS) {
    const unit = FIGURES[id].unit === 'rate' ? ' (%)' : FIGURES[id].unit === 'seconds' ? '（秒）' : '';
    const onPage = await page.locator(`[data-testid=value-${id}]`).getAttribute('data-value');
    assert.is(String(values.get(FIGURES[id].zh + unit) ?? ''), onPage, `XLSX ${id}`);
  }
  const sheet = wb.getWorksheet('按社区')!;
  let matched = 0;
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const b = r.breakdowns.community.find((x) => x.label === row.getCell(1).value);
    if (!b) return;
    matched++;
    BREAKDOWN_COLUMNS.forEach((c, i) => assert.is(row.getCell(i + 2).value ?? null, c.value(b)));
  });
  assert.is(matched, r.breakdowns.community.length);
});

B('a why-late cause opens its tickets; a ticket opens its timeline and the reason it was late', async (ctx) => {
  const page = ctx.page, r = ctx.report;
  const cause = [...r.causes].sort((a, b) => b.late - a.late)[0];
  if (cause.late === 0) throw new Error('the demo should have late tickets in its history');
  assert.is(await page.locator(`[data-testid=cause-count-${cause.cause}]`).innerText(), String(cause.late));
  await page.click(`[data-testid=cause-${cause.cause}]`);
  await page.waitForSelector('[data-testid=drill] tbody tr[data-ticket-id]');
  const listed = await page.locator('[data-testid=drill] tbody tr[data-ticket-id]').count();
  assert.is(listed, Math.min(50, cause.late), 'every late ticket of the cause (first page)');
  await page.locator('[data-testid=drill] tbody tr[data-ticket-id]').first().click();
  await page.waitForSelector('[data-testid=drill-detail] [data-testid=timeline]');
  assert.is(await page.locator('[data-testid=drill-why]').getAttribute('data-cause'), cause.cause, 'the page\'s classifier agrees with the SQL');
  assert.ok(await page.locator('[data-testid=timeline] li').count() >= 2);
  // The drawer covers the grid map: Leaflet's panes (z-index 400–700) stay inside the map's own stacking context.
  await page.evaluate(() => document.querySelector('[data-testid=chart-map]')!.scrollIntoView({ block: 'center' }));
  const covered = await page.evaluate(() => {
    const map = document.querySelector('[data-testid=chart-map]')!.getBoundingClientRect();
    const drawer = document.querySelector('[data-testid=drill]')!.getBoundingClientRect();
    const x = Math.max(map.left, drawer.left) + 30, y = map.top + map.height / 2;
    return x < map.right && !!document.elementFromPoint(x, y)?.closest('[data-testid=drill]');
  });
  assert.ok(covered, 'the drawer is drawn over the grid map');
  await page.screenshot({ path: path.join(ARTIFACTS, 'reports-drill.png') });
  await page.keyboard.press('Escape');
});

B('the 日报 prints on one A4 page with the same figures', async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: { width: 900, height: 1200 } });
  await page.context().addCookies(await ctx.page.context().cookies());
  const day = localDay(Date.now() - 86_400_000, 480);
  await page.goto(`${ctx.s.url}/reports/daily?date=${day}`);
  await page.waitForSelector('[data-testid=daily][data-ready=true]');
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const api = (await ctx.s.api('GET', `/api/reports?period=custom&from=${day}&to=${day}`, { cookie })).body as Report;
  assert.is(await page.locator('[data-testid=daily-ontime]').innerText(), pctText(figureValue('onTimeResponseRate', api.current.figures)));
  assert.is(await page.locator('[data-testid=daily-due]').innerText(), String(api.current.counters.resp_due));
  await page.screenshot({ path: path.join(ARTIFACTS, 'reports-daily.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  // A4 is 297 mm tall: at CSS 96 px per inch, 1123 px.
  const height = await page.evaluate(() => document.querySelector('[data-testid=daily]')!.getBoundingClientRect().height);
  assert.ok(height <= 1123, `fits one A4 page (${Math.round(height)} px of 1123)`);
  await page.close();
});

B('a custom period the server refuses shows its reason on the page (the page checks no query itself)', async (ctx) => {
  const page = ctx.page;
  await page.goto(`${ctx.s.url}/reports?${ctx.qs}`);
  await page.waitForSelector('[data-testid=reports][data-ready=true]');
  await page.fill('[data-testid=custom-from]', '2026-02-10');
  await page.fill('[data-testid=custom-to]', '2026-01-01');
  await page.click('button[data-period=custom]');
  await page.waitForSelector('.error[role=alert]');
  assert.match(await page.locator('.error[role=alert]').innerText(), 'must not be before from');
  // …and a good period afterwards draws again.
  await page.click('button[data-period=yesterday]');
  await page.waitForSelector('[data-testid=reports][data-ready=true]');
  assert.is(await page.locator('.error[role=alert]').count(), 0);
});

B('a leader reaches the reports from the console and sees only their grids; a responder gets nothing', async (ctx) => {
  const page = await signIn(ctx, 'leader01');
  await page.waitForURL(/\/dispatch/);
  await page.click('[data-testid=reports-link]');
  await page.waitForSelector('[data-testid=reports][data-ready=true]', { timeout: 15_000 });
  assert.is(await page.locator('[data-testid=scope-name]').innerText(), '我的网格');
  const own = (await ctx.s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM user_grids ug JOIN users u ON u.id = ug.user_id WHERE u.username = 'leader01'`)[0].n;
  assert.is(await page.locator('[data-testid=scope-grid] option').count(), own + 1, 'only their grids to pick from');
  await page.close();
  const phone = await signIn(ctx, 'r001');
  await phone.waitForURL(/\/m/);
  await phone.goto(`${ctx.s.url}/reports`);
  await phone.waitForSelector('.error[role=alert]');
  assert.match(await phone.locator('.error[role=alert]').innerText(), /roles/);
  assert.is(await phone.locator('[data-testid=value-onTimeResponseRate]').count(), 0);
  await phone.close();
});

B('a browser whose language tag Intl refuses (Chromium on a LANG=C Linux box says en-US@posix) still draws the reports', async (ctx) => {
  const page = await ctx.browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // What such a browser reports, whatever this machine's locale is.
  await page.addInitScript({ content: "Object.defineProperty(Navigator.prototype, 'language', { get: () => 'en-US@posix', configurable: true })" });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${ctx.s.url}/login`);
  assert.is(await page.evaluate(() => navigator.language), 'en-US@posix');
  await page.fill('input[name=username]', 'manager');
  await page.fill('input[type=password]', 'demo1234');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/reports/);
  await page.waitForSelector('[data-testid=reports][data-ready=true]', { timeout: 15_000 });
  assert.ok(await page.locator('[data-testid=reports] canvas').count() > 0, 'the charts are drawn');
  assert.equal(errors, []);
  await page.close();
});

B.run();
