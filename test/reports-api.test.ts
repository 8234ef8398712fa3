// The reports over REST on the demo street office: who may read what (a leader only their grids, a responder or a
// wall display link nothing), query validation, the CSV and XLSX exports parsed back to the API's numbers, formula
// injection defused, and the rollup job running inside the app.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { BREAKDOWN_COLUMNS, FIGURE_IDS, figureValue, type BreakdownRow, type Report } from '../shared/reports.ts';
import { FIGURES } from '../shared/metrics.ts';

const A = suite<{ s: TestServer; manager: string; leader: string; phone: string; duty: string }>('reports api');

A.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.manager = await ctx.s.login('manager');
  ctx.leader = await ctx.s.login('leader01');
  ctx.phone = await ctx.s.login('r001');
  ctx.duty = await ctx.s.login('duty');
});
A.after(async ({ s }) => s.close());

/** RFC 4180 fields, quotes doubled. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n') { row.push(cell.replace(/\r$/, '')); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const asCell = (v: string | number | null) => (v == null ? '' : String(v));

A('who may read: managers and office staff the street office, a leader only their grids, a responder or a display nothing', async ({ s, manager, leader, phone, duty }) => {
  const all = await s.api('GET', '/api/reports?period=yesterday', { cookie: manager });
  assert.is(all.status, 200);
  assert.is(all.body.scope.kind, 'street_office');
  assert.is((await s.api('GET', '/api/reports?period=yesterday', { cookie: duty })).status, 200);
  const mine = await s.sql<{ grid_id: string }[]>`SELECT ug.grid_id::text FROM user_grids ug JOIN users u ON u.id = ug.user_id WHERE u.username = 'leader01'`;
  const own = new Set(mine.map((r) => r.grid_id));
  const lr = await s.api('GET', '/api/reports?period=yesterday', { cookie: leader });
  assert.is(lr.status, 200);
  assert.is(lr.body.scope.kind, 'grids');
  assert.ok(lr.body.breakdowns.grid.length > 0);
  assert.ok(lr.body.breakdowns.grid.every((r: BreakdownRow) => own.has(r.key)), 'a leader sees only their grids');
  // leader01 leads every grid of 金鼎社区: their report is the manager's report of that community.
  const [jd] = await s.sql<{ id: string }[]>`SELECT id FROM communities WHERE name = '金鼎社区'`;
  const community = await s.api('GET', `/api/reports?period=yesterday&scope=community&communityId=${jd.id}`, { cookie: manager });
  assert.equal(lr.body.current.counters, community.body.current.counters);
  const [other] = await s.sql<{ id: string; community_id: string }[]>`SELECT id, community_id FROM grids WHERE NOT (id::text = ANY(${[...own]})) LIMIT 1`;
  assert.is((await s.api('GET', `/api/reports?period=yesterday&scope=grid&gridId=${other.id}`, { cookie: leader })).status, 403);
  assert.is((await s.api('GET', `/api/reports?period=yesterday&scope=community&communityId=${other.community_id}`, { cookie: leader })).status, 403);
  const drill = await s.api('GET', '/api/reports/tickets?period=yesterday&limit=200', { cookie: leader });
  assert.is(drill.status, 200);
  const gridNames = new Set((await s.sql<{ name: string }[]>`SELECT g.name FROM grids g WHERE g.id::text = ANY(${[...own]})`).map((r) => r.name));
  assert.ok(drill.body.items.every((t: { communityName: string; gridName: string }) => t.communityName === '金鼎社区' && gridNames.has(t.gridName)));
  for (const path of ['/api/reports?period=today', '/api/reports/breakdown?by=grid', '/api/reports/tickets', '/api/reports/export.csv', '/api/reports/export.xlsx']) {
    assert.is((await s.api('GET', path, { cookie: phone })).status, 403, `responder: ${path}`);
    // A wall's display link reads only the live stream, never REST (server/http/routes.ts).
    assert.is((await s.api('GET', path, { headers: { authorization: `Display ${s.displayToken}` } })).status, 401, `display: ${path}`);
    assert.is((await s.api('GET', path)).status, 401, `nobody: ${path}`);
  }
  assert.is((await s.api('GET', '/api/reports?scope=grid&gridId=999999999', { cookie: manager })).status, 404);
});

A('every query-string input is checked at the boundary', async ({ s, manager }) => {
  const bad = async (qs: string, field: string) => {
    const r = await s.api('GET', `/api/reports?${qs}`, { cookie: manager });
    assert.is(r.status, 400, qs);
    assert.is(r.body.error.field, field, qs);
  };
  await bad('period=custom&to=2026-11-01', 'from');
  await bad('period=custom&from=2026-11-05&to=2026-11-01', 'to');
  await bad('period=custom&from=2025-01-01&to=2026-11-01', 'to');
  await bad('period=custom&from=2026-02-30&to=2026-03-01', 'from');
  await bad('period=week', 'period');
  await bad('scope=community', 'communityId');
  await bad('period=today&from=2026-11-01', 'from');
  await bad('gridId=1;DROP', 'gridId');
  await bad('colour=red', '(body)');
  const cause = await s.api('GET', '/api/reports/tickets?cause=bad_luck', { cookie: manager });
  assert.is(cause.status, 400);
  assert.is((await s.api('GET', '/api/reports/breakdown?by=weather', { cookie: manager })).status, 400);
});

A('CSV and XLSX carry the numbers of the API, with Chinese headers, and defuse formulas', async ({ s, manager }) => {
  // Names come from imports and forms: one that a spreadsheet would run.
  const [c] = await s.sql<{ id: string }[]>`SELECT community_id AS id FROM grids ORDER BY id LIMIT 1`;
  await s.sql`UPDATE communities SET name = '=HYPERLINK("http://evil","点我")' WHERE id = ${c.id}`;
  const report = (await s.api('GET', '/api/reports?period=yesterday', { cookie: manager })).body as Report;
  assert.ok(report.current.counters.reported > 0, 'the demo has yesterday\'s history');
  const csvRes = await fetch(`${s.url}/api/reports/export.csv?period=yesterday&by=grid`, { headers: { cookie: manager } });
  assert.is(csvRes.status, 200);
  assert.match(csvRes.headers.get('content-type') ?? '', /text\/csv/);
  const bytes = new Uint8Array(await csvRes.arrayBuffer());
  assert.equal([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const rows = parseCsv(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
  assert.equal(rows[0], ['网格', ...BREAKDOWN_COLUMNS.map((c) => c.zh)]);
  const body = rows.slice(1);
  assert.is(body.length, report.breakdowns.grid.length + 1, 'one row per grid and the total');
  for (const r of report.breakdowns.grid) {
    const line = body.find((l) => l[0] === r.label || l[0] === `'${r.label}`)!;
    assert.ok(line, `row ${r.label}`);
    assert.equal(line.slice(1), BREAKDOWN_COLUMNS.map((c) => asCell(c.value(r))), r.label);
  }
  const evil = body.filter((l) => l[0].includes('HYPERLINK'));
  assert.ok(evil.length > 0 && evil.every((l) => l[0].startsWith(`'=HYPERLINK`)), 'a formula-like name starts with an apostrophe');
  assert.equal(body[body.length - 1].slice(0, 6), ['合计', String(report.current.counters.reported), String(report.current.counters.excluded),
    String(report.current.counters.resp_due), String(report.current.counters.resp_on_time), String(report.current.counters.resp_due - report.current.counters.resp_on_time)]);

  const xlsxRes = await fetch(`${s.url}/api/reports/export.xlsx?period=yesterday`, { headers: { cookie: manager } });
  assert.is(xlsxRes.status, 200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await xlsxRes.arrayBuffer() as never);
  assert.equal(wb.worksheets.map((w) => w.name), ['概览', '超时原因', '按社区', '按网格', '按类别', '按渠道', '按响应人', '按时段']);
  const summary = wb.getWorksheet('概览')!;
  const byLabel = new Map<string, ExcelJS.Row>();
  summary.eachRow((row) => byLabel.set(String(row.getCell(1).value ?? ''), row));
  for (const id of FIGURE_IDS) {
    const def = FIGURES[id];
    const label = def.zh + (def.unit === 'rate' ? ' (%)' : def.unit === 'seconds' ? '（秒）' : '');
    const row = byLabel.get(label)!;
    assert.ok(row, `figure row ${label}`);
    assert.is(row.getCell(2).value ?? null, figureValue(id, report.current.figures), `${label} this period`);
    assert.is(row.getCell(3).value ?? null, figureValue(id, report.previous.figures), `${label} previous`);
  }
  const grids = wb.getWorksheet('按网格')!;
  assert.equal((grids.getRow(1).values as unknown[]).slice(1), ['网格', ...BREAKDOWN_COLUMNS.map((c) => c.zh)]);
  let found = 0, defused = 0;
  grids.eachRow((row, n) => {
    if (n === 1) return;
    const label = String(row.getCell(1).value);
    if (label.includes('HYPERLINK')) {
      assert.ok(label.startsWith("'"), 'defused in the workbook too');
      assert.is(row.getCell(1).type, ExcelJS.ValueType.String, 'a string cell, never a formula');
      defused++;
    }
    const r = report.breakdowns.grid.find((x) => x.label === label || `'${x.label}` === label);
    if (!r) return;
    found++;
    BREAKDOWN_COLUMNS.forEach((c, i) => assert.is(row.getCell(i + 2).value ?? null, c.value(r), `${label} ${c.zh}`));
  });
  assert.is(found, report.breakdowns.grid.length);
  assert.ok(defused > 0);
  const causes = wb.getWorksheet('超时原因')!;
  let lateInSheet = 0;
  causes.eachRow((row, n) => { if (n > 1) lateInSheet += Number(row.getCell(2).value); });
  assert.is(lateInSheet, report.current.counters.resp_due - report.current.counters.resp_on_time, 'every late ticket has one cause');
});

A('the rollup job runs in the app: it works through the queue, and the report reads the rollups', async ({ s, manager }) => {
  let left = -1;
  for (let i = 0; i < 150; i++) {
    [{ left }] = await s.sql<{ left: number }[]>`SELECT count(*)::int AS left FROM report_queue`;
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.is(left, 0, 'the job drained the queue');
  const [{ facts }] = await s.sql<{ facts: number }[]>`SELECT count(*)::int AS facts FROM report_facts`;
  assert.ok(facts > 0);
  const r = await s.api('GET', '/api/reports?period=yesterday', { cookie: manager });
  assert.is(r.body.source.rollupDays, 1, 'yesterday read from the rollups');
  assert.ok(r.body.source.liveTickets < r.body.current.counters.reported, 'most of it from the rollups');
});

A.run();
