// `npm run bench -- --reports`: the managers' reports on a year of a city's history (one million tickets with their
// events across 1,500 grids): month, 30-day, week and year reports from the rollups beside the same report read
// naively from the raw tables (alternating, several runs, ranges), the same over HTTP, after late events arrive, and
// the page's first paint with charts in headless Chromium. Options: --tickets N --grids N --days N --runs N --quick
// --json --skip-page
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createApp } from '../server/app.ts';
import { testConfig } from '../server/config.ts';
import { seedScale } from '../server/demo/scale.ts';
import { DEMO_PASSWORD } from '../server/demo/data.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { buildBreakdown, buildReport } from '../server/reports/report.ts';
import { refreshRollups } from '../server/reports/rollup.ts';
import { drillTickets } from '../server/reports/drill.ts';
import { kpiBoard } from '../server/metrics/kpis.ts';
import { addDays, localDay, localDayStartMs, weekStart, type Report, type ReportQuery, type ReportScope } from '../shared/reports.ts';
import { ensureClientBuilt, launchBrowser } from '../test/helpers/browser.ts';
import { startBenchDb } from './lib/pg.ts';
import { generateHistory } from './lib/history.ts';
import { machineTicks } from './lib/proc.ts';

type Row = { what: string; rollups: number[]; naive: number[]; goalMs: number | null };

const ms = (xs: number[]) => [...xs].sort((a, b) => a - b);
const med = (xs: number[]) => (xs.length ? ms(xs)[Math.floor((xs.length - 1) / 2)] : null);
const range = (xs: number[]) => (xs.length ? `${Math.round(ms(xs)[0])}–${Math.round(ms(xs)[xs.length - 1])}` : '–');

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

function comparable(r: Report) {
  const { source: _s, generatedAt: _g, ...rest } = r;
  return JSON.stringify(rest);
}

export async function runReportsBench(argv: string[]): Promise<number> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      tickets: { type: 'string' }, grids: { type: 'string' }, responders: { type: 'string' }, days: { type: 'string' },
      runs: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      'skip-page': { type: 'boolean', default: false }, 'naive-runs': { type: 'string' }, today: { type: 'string' },
    },
  });
  const num = (v: string | undefined, full: number, quick: number) => (v != null ? Number(v) : a.quick ? quick : full);
  const opt = {
    tickets: num(a.tickets, 1_000_000, 60_000), grids: num(a.grids, 1500, 300), responders: num(a.responders, 10_000, 2000),
    days: num(a.days, 365, 365), runs: num(a.runs, 5, 3), naiveRuns: num(a['naive-runs'], 3, 2),
    // Today's tickets for the wall's KPI board: a 50,000-ticket day drawn by the hour, those after now left out.
    today: num(a.today, 50_000, 5000),
  };
  const t0 = Date.now();
  const log = (m: string) => process.stderr.write(`[bench:reports ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
  const out: Record<string, unknown> = { options: opt };
  const m0 = machineTicks();
  await new Promise((r) => setTimeout(r, 2000));
  const m1 = machineTicks();
  out.machine_busy_before_pct = Math.round(((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 1000) / 10;
  log(`machine busy before start: ${out.machine_busy_before_pct}% of all cores`);

  const db = await startBenchDb();
  const cleanup: Array<() => Promise<unknown>> = [() => db.stop()];
  const rows: Row[] = [];
  try {
    const seed = await seedScale(db.sql, { grids: opt.grids, responders: opt.responders, openTickets: 0, prefix: 'rep' });
    const so = seed.streetOfficeId;
    log(`city: ${opt.grids} grids, ${opt.responders} responders (${(seed.ms / 1000).toFixed(1)} s); generating ${opt.tickets.toLocaleString('en-US')} tickets over ${opt.days} days`);
    const hist = await generateHistory(db.sql, so, { tickets: opt.tickets, days: opt.days, log });
    out.history = hist;
    log(`history: ${hist.tickets.toLocaleString('en-US')} tickets, ${hist.events.toLocaleString('en-US')} events in ${(hist.ms / 1000).toFixed(0)} s`);
    await db.sql`INSERT INTO users (street_office_id, username, password_hash, role, display_name) VALUES (${so}, 'rep-manager', ${await hashPassword(DEMO_PASSWORD)}, 'manager', '街道主任')`;

    const [build] = await timed(() => refreshRollups(db.sql));
    const [sizes] = await db.sql<{ cells: number; hist: number; mb: number; tickets_mb: number; events_mb: number }[]>`
      SELECT (SELECT count(*) FROM report_cells)::int AS cells, (SELECT count(*) FROM report_hist)::int AS hist,
        round((pg_total_relation_size('report_cells') + pg_total_relation_size('report_hist')) / 1048576.0)::int AS mb,
        round(pg_total_relation_size('tickets') / 1048576.0)::int AS tickets_mb, round(pg_total_relation_size('ticket_events') / 1048576.0)::int AS events_mb`;
    out.rollup_build = { ms: Math.round(build), ...sizes };
    void build;
    log(`rollups built in ${(build / 1000).toFixed(1)} s: ${sizes.cells.toLocaleString('en-US')} cells, ${sizes.hist.toLocaleString('en-US')} histogram rows, ${sizes.mb} MB (tickets ${sizes.tickets_mb} MB, events ${sizes.events_mb} MB)`);
    // The whole freshly loaded database, as pgbench does: otherwise autovacuum works through the new tickets and
    // events (1.4 GB) during the first measures, and a month's report measured 0.3–3.8 s beside it.
    const [vacuum] = await timed(() => db.sql`VACUUM ANALYZE`);
    await db.sql`CHECKPOINT`;
    log(`VACUUM ANALYZE of the loaded database: ${(vacuum / 1000).toFixed(0)} s`);

    const today = localDay(Date.now(), 480);
    // "The last 30 days" is a calendar month on some dates (on 1 December it is November): also a 30 days that is no
    // calendar month, nor is the 30 days before it, ending as late as that allows.
    const isMonth = (from: string, to: string) => from.endsWith('-01') && addDays(to, 1).endsWith('-01');
    let end30 = addDays(today, -1);
    while (isMonth(addDays(end30, -29), end30) || isMonth(addDays(end30, -59), addDays(end30, -30))) end30 = addDays(end30, -1);
    const scope: ReportScope = { kind: 'street_office', id: so, name: '城区', gridIds: null };
    const periods: Array<{ name: string; q: Pick<ReportQuery, 'period' | 'from' | 'to'>; goal: number | null }> = [
      { name: 'last month (whole calendar month)', q: { period: 'last_month' }, goal: 300 },
      { name: 'last 30 days', q: { period: 'custom', from: addDays(today, -30), to: addDays(today, -1) }, goal: 300 },
      { name: `year (${opt.days} days)`, q: { period: 'custom', from: addDays(today, -opt.days), to: addDays(today, -1) }, goal: 1000 },
      { name: 'last week (Monday to Sunday)', q: { period: 'custom', from: addDays(weekStart(today), -7), to: addDays(weekStart(today), -1) }, goal: 300 },
      { name: `30 days not aligned to months (${addDays(end30, -29)}..${end30})`, q: { period: 'custom', from: addDays(end30, -29), to: end30 }, goal: 300 },
    ];
    const nowMs = Date.now();
    const report = (q: Pick<ReportQuery, 'period' | 'from' | 'to'>, rollups: boolean) => buildReport(db.sql, { streetOfficeId: so, scope, query: q, nowMs, rollups });
    const same: Record<string, boolean> = {};
    const read: Record<string, Report['source']> = {};
    for (const p of periods) {
      const row: Row = { what: `report, ${p.name}, with the previous period`, rollups: [], naive: [], goalMs: p.goal };
      rows.push(row);
      await report(p.q, true); // warm the caches once
      for (let k = 0; k < opt.runs; k++) {
        const [t, r] = await timed(() => report(p.q, true));
        row.rollups.push(t);
        if (k < opt.naiveRuns) {
          const [tn, rn] = await timed(() => report(p.q, false));
          row.naive.push(tn);
          if (k === 0) { same[p.name] = comparable(r) === comparable(rn); read[p.name] = r.source; }
        }
      }
      log(`${row.what}: rollups ${Math.round(med(row.rollups)!)} ms (${range(row.rollups)}), naive ${Math.round(med(row.naive)!)} ms (${range(row.naive)}), same figures: ${same[p.name]}; from rollups ${read[p.name]?.rollupDays} whole days (${read[p.name]?.rollupMonths} months, ${read[p.name]?.rollupWeeks} weeks)`);
    }
    out.same_figures = same;
    out.read_from = read;

    // The wall's KPI board (server/metrics/kpis.ts) at a city's evening: today's tickets read raw, the open ones
    // judged at now. Computed once for every instance, at most every max(1 s, 10 × its cost) (server/metrics/board.ts).
    const day = await generateHistory(db.sql, so, { tickets: opt.today, days: 1, today: true, key: 'bench-today-', log });
    await refreshRollups(db.sql);
    await db.sql`VACUUM ANALYZE`;
    const [{ open }] = await db.sql<{ open: number }[]>`SELECT count(*)::int AS open FROM report_unsettled WHERE reported_at >= ${new Date(localDayStartMs(today, 480))}`;
    out.today = { tickets: day.tickets, events: day.events, unsettled: open };
    const kpiRow: Row = { what: `wall's KPI board, today so far (${day.tickets.toLocaleString('en-US')} tickets, ${open.toLocaleString('en-US')} with a clock still running)`, rollups: [], naive: [], goalMs: null };
    rows.push(kpiRow);
    await kpiBoard(db.sql, so);
    for (let k = 0; k < opt.runs; k++) kpiRow.rollups.push((await timed(() => kpiBoard(db.sql, so)))[0]);
    log(`${kpiRow.what}: ${Math.round(med(kpiRow.rollups)!)} ms (${range(kpiRow.rollups)})`);

    // The same over HTTP, as the page asks for it (JSON of every breakdown included).
    const app = createApp({ sql: db.sql, config: testConfig(), log: pino({ level: 'silent' }) });
    const port = await app.listen(0);
    cleanup.unshift(() => app.close());
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'rep-manager', password: DEMO_PASSWORD }) });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    for (const p of [periods[0], periods[2]]) {
      const row: Row = { what: `GET /api/reports, ${p.name}`, rollups: [], naive: [], goalMs: p.goal };
      rows.push(row);
      const qs = new URLSearchParams(Object.entries(p.q).filter(([, v]) => v) as Array<[string, string]>);
      for (let k = 0; k < opt.runs; k++) {
        const [t, res] = await timed(async () => { const r = await fetch(`${base}/api/reports?${qs}`, { headers: { cookie } }); await r.arrayBuffer(); return r; });
        if (res.status !== 200) throw new Error(`GET /api/reports answered ${res.status}`);
        row.rollups.push(t);
      }
      log(`${row.what}: ${Math.round(med(row.rollups)!)} ms (${range(row.rollups)})`);
    }
    const year = periods[2];
    const extra = async (what: string, f: () => Promise<unknown>) => {
      const row: Row = { what, rollups: [], naive: [], goalMs: null };
      for (let k = 0; k < opt.runs; k++) row.rollups.push((await timed(f))[0]);
      rows.push(row);
      log(`${what}: ${Math.round(med(row.rollups)!)} ms (${range(row.rollups)})`);
    };
    await extra(`responder breakdown, ${year.name} (10,000 rows)`, () => buildBreakdown(db.sql, { streetOfficeId: so, scope, query: year.q, by: 'responder' }));
    await extra(`drill-down: 50 late tickets of a cause, ${year.name}`, () => drillTickets(db.sql, { streetOfficeId: so, scope, query: { ...year.q, cause: 'offers_passed', limit: 50 } }));

    // Late events: ratings and reopenings arrive for 300 tickets spread over the year; their days go stale.
    await db.sql`
      WITH pick AS (SELECT id FROM tickets WHERE street_office_id = ${so} AND status = 'closed' ORDER BY md5(id::text) LIMIT 300)
      UPDATE tickets t SET rating = 1 FROM pick WHERE t.id = pick.id`;
    await db.sql`
      INSERT INTO ticket_events (ticket_id, action, actor_label)
      SELECT id, 'rate', 'late' FROM tickets WHERE street_office_id = ${so} AND rating = 1 ORDER BY md5(id::text) LIMIT 300`;
    const [{ stale }] = await db.sql<{ stale: number }[]>`SELECT count(DISTINCT ticket_id)::int AS stale FROM report_queue`;
    const lateNow = Date.now();
    const lateRow: Row = { what: `report, ${year.name}, right after late events (${stale} tickets queued, read live)`, rollups: [], naive: [], goalMs: 1000 };
    for (let k = 0; k < Math.min(3, opt.runs); k++) lateRow.rollups.push((await timed(() => buildReport(db.sql, { streetOfficeId: so, scope, query: year.q, nowMs: lateNow })))[0]);
    rows.push(lateRow);
    const [lr, ln] = [await buildReport(db.sql, { streetOfficeId: so, scope, query: year.q, nowMs: lateNow }), await buildReport(db.sql, { streetOfficeId: so, scope, query: year.q, nowMs: lateNow, rollups: false })];
    same['after late events'] = comparable(lr) === comparable(ln);
    const [rebuild, rb] = await timed(() => refreshRollups(db.sql));
    out.late_events = { queued_tickets: stale, apply_ms: Math.round(rebuild), applied_tickets: rb.tickets, same_figures: same['after late events'] };
    log(`${lateRow.what}: ${Math.round(med(lateRow.rollups)!)} ms (${range(lateRow.rollups)}); same figures as raw: ${same['after late events']}; the job applied ${rb.tickets} tickets in ${(rebuild / 1000).toFixed(1)} s`);

    if (!a['skip-page']) {
      await ensureClientBuilt();
      const browser = await launchBrowser();
      cleanup.unshift(() => browser.close());
      const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      const [name, value] = cookie.split('=');
      await ctx.addCookies([{ name, value, domain: '127.0.0.1', path: '/' }]);
      const page = await ctx.newPage();
      for (const p of [periods[0], periods[2]]) {
        const row: Row = { what: `page first paint with charts, ${p.name}`, rollups: [], naive: [], goalMs: 1500 };
        const qs = new URLSearchParams(Object.entries(p.q).filter(([, v]) => v) as Array<[string, string]>);
        for (let k = 0; k < opt.runs; k++) {
          await page.goto('about:blank');
          await new Promise((r) => setTimeout(r, 500));
          await page.goto(`${base}/reports?${qs}`);
          await page.waitForFunction(() => performance.getEntriesByName('gridops:reports-ready').length > 0, null, { timeout: 60_000, polling: 50 });
          // The load's parts: when the report's answer arrived, when the page took it, when it was drawn.
          // No named functions inside: tsx would wrap them in a helper the page does not have.
          const t = await page.evaluate(() => {
            const rep = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/reports') as PerformanceResourceTiming | undefined;
            return {
              asked: Math.round(rep?.startTime ?? NaN), arrived: Math.round(rep?.responseEnd ?? NaN),
              taken: Math.round(performance.getEntriesByName('gridops:reports-answer')[0]?.startTime ?? NaN),
              ready: performance.getEntriesByName('gridops:reports-ready')[0].startTime,
            };
          });
          row.rollups.push(t.ready);
          log(`  load ${k + 1}: report asked ${t.asked} ms, arrived ${t.arrived}, taken by the page ${t.taken}, drawn ${Math.round(t.ready)}`);
        }
        rows.push(row);
        log(`${row.what}: ${Math.round(med(row.rollups)!)} ms (${range(row.rollups)})`);
      }
    }
  } finally {
    for (const f of cleanup) await f().catch((e) => log(`cleanup: ${(e as Error).message}`));
  }
  out.rows = rows.map((r) => ({ what: r.what, rollups_ms: { median: med(r.rollups), range: range(r.rollups) }, naive_ms: r.naive.length ? { median: med(r.naive), range: range(r.naive) } : null, goal_ms: r.goalMs, met: r.goalMs == null ? null : (med(r.rollups) ?? Infinity) <= r.goalMs }));
  out.total_s = Math.round((Date.now() - t0) / 1000);
  if (a.json) { process.stdout.write(JSON.stringify(out) + '\n'); return 0; }
  const h = out.history as { tickets: number; events: number; ms: number };
  const b = out.rollup_build as { ms: number; cells: number; hist: number; mb: number; tickets_mb: number; events_mb: number };
  console.log(`\nReports on ${h.tickets.toLocaleString('en-US')} tickets / ${h.events.toLocaleString('en-US')} events, ${opt.grids} grids, ${opt.days} days (machine ${out.machine_busy_before_pct}% busy before start)`);
  console.log(`history generated in ${(h.ms / 1000).toFixed(0)} s; rollups built in ${(b.ms / 1000).toFixed(1)} s: ${b.cells.toLocaleString('en-US')} cells + ${b.hist.toLocaleString('en-US')} histogram rows = ${b.mb} MB (tickets ${b.tickets_mb} MB, events ${b.events_mb} MB)`);
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - [...s].length));
  console.log('\n' + pad('measure', 78) + pad('with rollups: median (range) ms', 34) + pad('naive, raw tables', 24) + 'target');
  for (const r of out.rows as Array<{ what: string; rollups_ms: { median: number | null; range: string }; naive_ms: { median: number | null; range: string } | null; goal_ms: number | null; met: boolean | null }>) {
    const v = r.rollups_ms.median == null ? '–' : `${Math.round(r.rollups_ms.median)} (${r.rollups_ms.range})`;
    const n = r.naive_ms ? `${Math.round(r.naive_ms.median!)} (${r.naive_ms.range})` : '';
    const goal = r.goal_ms == null ? '' : `≤ ${r.goal_ms} ms ${r.met ? 'MET' : 'MISS'}`;
    console.log(pad(r.what, 78) + pad(v, 34) + pad(n, 24) + goal);
  }
  console.log(`\nsame figures from rollups and from the raw tables: ${Object.entries(out.same_figures as Record<string, boolean>).map(([k, v]) => `${k}: ${v ? 'yes' : 'NO'}`).join('; ')}`);
  const le = out.late_events as { queued_tickets: number; apply_ms: number; applied_tickets: number };
  console.log(`late events: ${le.queued_tickets} tickets queued; the job applied them to the rollups in ${(le.apply_ms / 1000).toFixed(1)} s`);
  console.log(`total ${out.total_s} s`);
  return Object.values(out.same_figures as Record<string, boolean>).every(Boolean) ? 0 : 1;
}
