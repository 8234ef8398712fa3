// Report figures on fixtures worked out by hand (period boundaries in Asia/Shanghai days, reopened, never responded,
// rejected, escalated, 5-minute targets, every why-late cause), and the rollups: the same figures as the raw tables,
// with cells built, after late events arrive, and as time passes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from './helpers/db.ts';
import { cst, fixtureOffice, put, type FixtureOffice } from './helpers/reports.ts';
import type { Sql } from '../server/db/connect.ts';
import { buildBreakdown, buildReport, type ReportInput } from '../server/reports/report.ts';
import { refreshRollups } from '../server/reports/rollup.ts';
import { kpiBoard } from '../server/metrics/kpis.ts';
import type { Report, ReportScope } from '../shared/reports.ts';
import { resolvePeriod } from '../shared/reports.ts';
import { COUNTERS } from '../shared/metrics.ts';
import { FACT_COLUMNS } from '../server/reports/facts.ts';

const R = suite<{ sql: Sql; drop(): Promise<void>; o: FixtureOffice; ids: Record<string, string> }>('reports: figures by hand');
const NOW = cst('2026-11-23T12:00:00').getTime();

R.before(async (ctx) => {
  const db = await freshDatabase();
  ctx.sql = db.sql; ctx.drop = db.drop;
  const o = ctx.o = await fixtureOffice(db.sql);
  const { gridA: A, gridB: B, r1, r2 } = o;
  const day = (hhmm: string) => cst(`2026-11-22T${hhmm}:00`);
  const ids: Record<string, string> = {};
  // On time (5 min), resolved in an hour, closed, rated 5.
  ids.T1 = await put(db.sql, o, { grid: A, at: day('08:00'), status: 'closed', respondedS: 300, resolvedS: 3600, rating: 5, everResolved: true, assignee: r1,
    events: [['dispatch', 20], ['accept', 60, { responder: r1 }], ['respond', 300, { responder: r1 }], ['resolve', 3600], ['close', 4000]] });
  // Reported at 23:58, answered at 00:05 the next day: belongs to the 22nd, on time.
  ids.T2 = await put(db.sql, o, { grid: A, at: day('23:58'), status: 'closed', respondedS: 420, resolvedS: 1800, rating: 3, everResolved: true,
    events: [['dispatch', 10], ['accept', 30, { responder: r2 }], ['respond', 420, { responder: r2 }], ['resolve', 1800], ['close', 2000]] });
  // 23:59 on the 21st: the previous day.
  ids.T3 = await put(db.sql, o, { grid: A, at: cst('2026-11-21T23:59:00'), status: 'closed', respondedS: 120, resolvedS: 600, rating: 4, everResolved: true,
    events: [['dispatch', 5], ['accept', 10], ['respond', 120], ['resolve', 600], ['close', 700]] });
  // Midnight exactly: the 23rd (periods are half-open).
  ids.T4 = await put(db.sql, o, { grid: A, at: cst('2026-11-23T00:00:00'), status: 'responded', respondedS: 60, events: [['dispatch', 5], ['accept', 10], ['respond', 60]] });
  // Never offered, never answered: late and still open; a 30-day resolution target not due yet.
  ids.T5 = await put(db.sql, o, { grid: B, at: day('10:00'), status: 'reported', resolutionS: 30 * 86_400 });
  // A rejected duplicate: excluded.
  ids.T6 = await put(db.sql, o, { grid: B, at: day('11:00'), status: 'rejected', events: [['reject', 120]] });
  // Escalated two minutes in, nobody responded: late; the department resolved it in time.
  ids.T7 = await put(db.sql, o, { grid: B, at: day('12:00'), status: 'resolved', escalatedS: 120, escalationDueS: 120 + 72 * 3600, resolvedS: 7200, everResolved: true,
    events: [['escalate', 120], ['resolve', 7200]] });
  // On time (3 min), resolved, then reopened by the resident: rework; unresolved now.
  ids.T8 = await put(db.sql, o, { grid: A, at: day('13:00'), status: 'reopened', respondedS: 180, reopenCount: 1, everResolved: true,
    events: [['dispatch', 10], ['accept', 40, { responder: r1 }], ['respond', 180, { responder: r1 }], ['resolve', 1200], ['reopen', 5000]] });
  // Elevator, 5-minute target, answered in 6: late (on time under 10). Offered at once, accepted at 4 min.
  ids.T9 = await put(db.sql, o, { grid: A, at: day('14:00'), status: 'closed', category: 'elevator', targetS: 300, respondedS: 360, resolvedS: 3000, everResolved: true,
    events: [['dispatch', 20], ['accept', 240], ['respond', 360], ['resolve', 3000], ['close', 3100]] });
  // Manhole, 5-minute target, answered at exactly 5: on time.
  ids.T10 = await put(db.sql, o, { grid: B, at: day('15:00'), status: 'responded', category: 'manhole', targetS: 300, respondedS: 300,
    events: [['dispatch', 10], ['accept', 60], ['respond', 300]] });
  // Declined, then timed out, then accepted: late, two offers passed.
  ids.T11 = await put(db.sql, o, { grid: B, at: day('16:00'), status: 'responded', respondedS: 700,
    events: [['dispatch', 10], ['decline', 60], ['dispatch', 70], ['expire', 190], ['dispatch', 200], ['accept', 230, { responder: r2 }], ['respond', 700, { responder: r2 }]] });
  // A hotline call entered six minutes after it came in: late, entered late.
  ids.T12 = await put(db.sql, o, { grid: A, at: day('09:00'), status: 'responded', respondedS: 720,
    events: [['report', 360], ['dispatch', 370], ['accept', 400], ['respond', 720]] });
  // Nobody available (alert), offered at 6:40: late.
  ids.T13 = await put(db.sql, o, { grid: A, at: day('17:00'), status: 'responded', respondedS: 650,
    events: [['alert', 5], ['dispatch', 400], ['accept', 420], ['respond', 650]] });
  // Accepted in a minute, on site after 15: slow to arrive.
  ids.T14 = await put(db.sql, o, { grid: B, at: day('18:00'), status: 'responded', respondedS: 900, events: [['dispatch', 10], ['accept', 60], ['respond', 900]] });
  // Five minutes old at NOW: not due yet.
  ids.T15 = await put(db.sql, o, { grid: A, at: cst('2026-11-23T11:55:00'), status: 'reported' });
  ctx.ids = ids;
});
R.after(async ({ drop }) => drop());

const office = (o: FixtureOffice): ReportScope => ({ kind: 'street_office', id: o.soId, name: '测试街道', gridIds: null });
const run = (sql: Sql, o: FixtureOffice, extra: Partial<ReportInput> = {}) =>
  buildReport(sql, { streetOfficeId: o.soId, scope: office(o), query: { period: 'custom', from: '2026-11-22', to: '2026-11-22' }, nowMs: NOW, rollups: false, ...extra });

R('the rollup tables store exactly the shared counters and the facts row', async ({ sql }) => {
  const cols = async (table: string) => (await sql<{ c: string }[]>`SELECT column_name AS c FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`).map((r) => r.c);
  assert.equal((await cols('report_cells')).slice(5), [...COUNTERS], 'report_cells: one column per counter, in order');
  assert.equal(await cols('report_facts'), [...FACT_COLUMNS], 'report_facts: the columns factsSql() yields');
});

R('periods: Asia/Shanghai days, half-open; to-date periods compare with the same elapsed span', () => {
  const day = resolvePeriod({ period: 'custom', from: '2026-11-22', to: '2026-11-22' }, NOW, 480);
  assert.equal(day.current, { from: '2026-11-21T16:00:00.000Z', to: '2026-11-22T16:00:00.000Z' });
  assert.equal(day.previous, { from: '2026-11-20T16:00:00.000Z', to: '2026-11-21T16:00:00.000Z' });
  const today = resolvePeriod({ period: 'today' }, NOW, 480);
  assert.equal(today.current, { from: '2026-11-22T16:00:00.000Z', to: new Date(NOW).toISOString() });
  assert.equal(today.previous, { from: '2026-11-21T16:00:00.000Z', to: new Date(NOW - 86_400_000).toISOString() });
  const week = resolvePeriod({ period: 'this_week' }, NOW, 480); // Monday the 23rd
  assert.is(week.current.from, '2026-11-22T16:00:00.000Z');
  const month = resolvePeriod({ period: 'this_month' }, NOW, 480);
  assert.equal(month.current.from, '2026-10-31T16:00:00.000Z');
  assert.equal(month.previous, { from: '2026-09-30T16:00:00.000Z', to: new Date(Date.parse('2026-09-30T16:00:00.000Z') + (NOW - Date.parse('2026-10-31T16:00:00.000Z'))).toISOString() });
  const last = resolvePeriod({ period: 'last_month' }, NOW, 480);
  assert.equal(last.current, { from: '2026-09-30T16:00:00.000Z', to: '2026-10-31T16:00:00.000Z' });
  // March 31st: "this month so far" compared with February cut at its own end.
  const march = resolvePeriod({ period: 'this_month' }, cst('2026-03-31T12:00:00').getTime(), 480);
  assert.is(march.previous.to, '2026-02-28T16:00:00.000Z');
});

R('the headline of one day, counted by hand', async ({ sql, o }) => {
  const r = await run(sql, o);
  const c = r.current.counters;
  assert.is(c.reported, 12, 'T1 T2 T5–T14; not T3 (the 21st) nor T4 (midnight of the 23rd)');
  assert.is(c.excluded, 1, 'T6 rejected');
  assert.is(c.resp_due, 11);
  assert.is(c.resp_on_time, 4, 'T1, T2 (across midnight), T8 (reopened later), T10 (exactly at a 5-minute target)');
  assert.is(c.resp_due - c.resp_on_time, 7);
  assert.is(c.resp_open_late, 2, 'T5 never answered, T7 escalated without a response');
  const f = r.current.figures;
  assert.is(f.onTimeResponseRate, 4 / 11);
  assert.is(f.responseP50S, 420, '180 300 300 360 [420] 650 700 720 900');
  assert.is(f.responseP90S, 900);
  assert.is(f.acceptP50S, 60, '30 40 60 60 [60] 230 240 400 420');
  assert.is(f.arriveP50S, 240, '120 140 230 240 [240] 320 390 470 840');
  assert.is(f.resolutionP50S, 3000, '10-minute steps 3 [5] 6 12 (T8 is unresolved again)');
  assert.is(f.closureRate, 3 / 11, 'T1 T2 T9 closed of 11 valid');
  assert.is(c.res_due, 5, 'four resolved, plus T12 unresolved past its 24 h');
  assert.is(f.onTimeResolutionRate, 4 / 5);
  assert.is(f.satisfactionRate, 1 / 2, 'T1 rated 5, T2 rated 3');
  assert.is(f.reworkRate, 1 / 5, 'T8 reopened, of T1 T2 T7 T8 T9 ever resolved');
  assert.is(f.escalations, 1);
  assert.is(f.escalationOnTimeRate, 1);
  assert.is(c.offer_passes, 2);
  assert.is(r.previous.counters.reported, 1, 'the previous day holds T3 only');
  assert.is(r.previous.figures.onTimeResponseRate, 1);
});

R('why late: one cause per late ticket, each from its history', async ({ sql, o }) => {
  const r = await run(sql, o);
  assert.equal(Object.fromEntries(r.causes.map((k) => [k.cause, k.late])), {
    entered_late: 1, escalated: 1, no_one_available: 1, dispatch_late: 1, offers_passed: 1, accepted_late: 1, slow_to_arrive: 1,
  });
  assert.is(r.causes.find((k) => k.cause === 'offers_passed')!.passes, 2);
});

R('breakdowns: grids, communities, categories, hours; trend and heat map by local day', async ({ sql, o }) => {
  const r = await run(sql, o);
  const grid = Object.fromEntries(r.breakdowns.grid.map((b) => [b.key, [b.counters.reported, b.counters.resp_due, b.counters.resp_on_time]]));
  assert.equal(grid, { [o.gridA]: [6, 6, 3], [o.gridB]: [6, 5, 1] });
  const comm = Object.fromEntries(r.breakdowns.community.map((b) => [b.label, b.counters.resp_on_time]));
  assert.equal(comm, { 东社区: 3, 西社区: 1 });
  const cat = Object.fromEntries(r.breakdowns.category.map((b) => [b.key, [b.counters.resp_due, b.counters.resp_on_time]]));
  assert.equal(cat, { clutter: [9, 3], elevator: [1, 0], manhole: [1, 1] });
  assert.equal(r.breakdowns.hour.map((b) => b.key), ['8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18', '23']);
  assert.is(r.breakdowns.grid.find((b) => b.key === o.gridA)!.prevOnTimeRate, 1, 'the previous day: T3 in grid A');
  const two = await run(sql, o, { query: { period: 'custom', from: '2026-11-21', to: '2026-11-22' } });
  assert.equal(two.trend.map((p) => [p.day, p.reported]), [['2026-11-21', 1], ['2026-11-22', 12]]);
  assert.equal(two.heatmap.find(([d, h]) => d === 6 && h === 23), [6, 23, 1], 'T2: Sunday the 22nd, 23:58');
  assert.equal(two.heatmap.find(([d, h]) => d === 5 && h === 23), [5, 23, 1], 'T3: Saturday the 21st, 23:59');
});

R('today so far: a ticket still within its target is not due; the KPI board agrees', async ({ sql, o }) => {
  const r = await run(sql, o, { query: { period: 'today' } });
  assert.is(r.current.counters.reported, 2, 'T4 at midnight, T15');
  assert.is(r.current.counters.resp_due, 1, 'T15 is five minutes old');
  assert.is(r.previous.counters.reported, 4, 'yesterday until 12:00: T1 T5 T6 T12 (T7 at 12:00 is outside)');
  const board = await kpiBoard(sql, o.soId, NOW);
  assert.is(board.today.reported, 2);
  assert.is(board.today.responseDue, 1);
  assert.is(board.today.onTimeResponseRate, r.current.figures.onTimeResponseRate);
  assert.is(board.today.responseP50S, r.current.figures.responseP50S);
});

R('the responder breakdown: who responded (the respond event), else the assignee', async ({ sql, o }) => {
  const rows = await buildBreakdown(sql, { streetOfficeId: o.soId, scope: office(o), query: { period: 'custom', from: '2026-11-22', to: '2026-11-22' }, nowMs: NOW, by: 'responder' });
  const by = Object.fromEntries(rows.map((b) => [b.label, b.counters.reported]));
  assert.is(by['李响'], 2, 'T1 and T8');
  assert.is(by['王到'], 2, 'T2 and T11');
});

function comparable(r: Report) {
  const { source: _s, generatedAt: _g, ...rest } = r;
  return JSON.parse(JSON.stringify(rest));
}

R('rollups give the raw figures: built, after late events arrive, and as time passes', async ({ sql, o, ids }) => {
  const span = { query: { period: 'custom' as const, from: '2026-11-21', to: '2026-11-22' } };
  const raw = await run(sql, o, { ...span, rollups: false });
  const before = await run(sql, o, { ...span, rollups: true });
  assert.is(before.source.rollupDays, 0, 'nothing built yet: read raw');
  assert.equal(comparable(before), comparable(raw));
  const built = await refreshRollups(sql, { nowMs: NOW });
  assert.ok(built.rebuilt > 0, 'a first run builds every office at once');
  const [{ n: stored }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM report_facts WHERE street_office_id = ${o.soId}`;
  assert.is(stored, 7, 'T1 T2 T3 T6 T7 T9 T12 are settled at NOW');
  assert.is(built.pending, 0);
  const cells = await run(sql, o, { ...span, rollups: true });
  assert.is(cells.source.rollupDays, 2);
  // Held back as unsettled at NOW: T5 (30-day resolution target), T8 (reopened), T10 T11 T13 T14 (unresolved, within
  // their 24 h). T12's 24 h ended at 09:00: settled, in the rollups.
  assert.is(cells.source.liveTickets, 6);
  assert.equal(comparable(cells), comparable(raw));

  // Late events: T5 is finally answered (a day late); T1 (closed, in the rollups) is reopened; T2 is rated again.
  await sql`UPDATE tickets SET responded_at = reported_at + interval '1 day', status = 'responded' WHERE id = ${ids.T5}`;
  await sql`INSERT INTO ticket_events (ticket_id, action, at, actor_label) VALUES (${ids.T5}, 'respond', now(), 'late')`;
  await sql`UPDATE tickets SET status = 'reopened', reopen_count = 1, resolved_at = NULL WHERE id = ${ids.T1}`;
  await sql`UPDATE tickets SET rating = 4 WHERE id = ${ids.T2}`;
  const stale = await run(sql, o, { ...span, rollups: true });
  assert.is(stale.source.rollupDays, 2, 'the rollups still serve the days');
  assert.ok(stale.source.liveTickets >= 6 + 2, 'the changed tickets are read live, their stored rows taken out');
  const raw2 = await run(sql, o, { ...span, rollups: false });
  assert.equal(comparable(stale), comparable(raw2));
  assert.is(raw2.current.counters.resp_open_late, 1, 'T5 answered: only T7 is still open past target');
  assert.is(raw2.current.counters.reopened, 2);
  assert.is(raw2.current.counters.satisfied, 3, 'T1 keeps its 5, T2 rated 4 now, T3 (the 21st) 4');
  const again = await refreshRollups(sql, { nowMs: NOW });
  assert.ok(again.tickets >= 3);
  const rebuilt = await run(sql, o, { ...span, rollups: true });
  assert.equal(comparable(rebuilt), comparable(raw2));
  const [{ q }] = await sql<{ q: number }[]>`SELECT count(*)::int AS q FROM report_queue`;
  assert.is(q, 0);

  // Time alone: forty days on, T5's 30-day resolution target has passed without any event.
  const later = NOW + 40 * 86_400_000;
  const rawLater = await run(sql, o, { ...span, rollups: false, nowMs: later });
  const cellsLater = await run(sql, o, { ...span, rollups: true, nowMs: later });
  assert.ok(rawLater.current.counters.res_due > raw2.current.counters.res_due);
  assert.equal(comparable(cellsLater), comparable(rawLater));
  // …and the job, running then, moves the tickets that settled meanwhile into the rollups.
  const woke = await refreshRollups(sql, { nowMs: later });
  assert.ok(woke.settledByTime >= 5, `settled by time: ${woke.settledByTime}`);
  const settledLater = await run(sql, o, { ...span, rollups: true, nowMs: later });
  assert.ok(settledLater.source.liveTickets < cellsLater.source.liveTickets);
  assert.equal(comparable(settledLater), comparable(rawLater));
});

R('month rollups: a whole month is read from its month cells, with the same figures', async ({ sql, o }) => {
  const { gridA: A, gridB: B } = o;
  for (const [d, grid, resp] of [['2026-10-01', A, 200], ['2026-10-15', B, 900], ['2026-10-31', A, 400]] as const) {
    await put(sql, o, { grid, at: cst(`${d}T10:00:00`), status: 'closed', respondedS: resp, resolvedS: 4000, everResolved: true, events: [['dispatch', 5], ['accept', 30], ['respond', resp], ['resolve', 4000], ['close', 4100]] });
  }
  // The rollups were last judged at the database's own now (previous test): compare at a later instant.
  await refreshRollups(sql);
  const span = { query: { period: 'custom' as const, from: '2026-10-01', to: '2026-11-22' }, nowMs: Date.now() + 60_000 };
  const cells = await run(sql, o, { ...span, rollups: true });
  assert.is(cells.source.rollupMonths, 1, 'October');
  assert.is(cells.source.rollupWeeks, 3, 'then the weeks of 2, 9 and 16 November (1 November is a Sunday: a day cell)');
  const raw = await run(sql, o, { ...span, rollups: false });
  assert.equal(comparable(cells), comparable(raw));
  assert.is(raw.current.counters.reported, 12 + 1 + 3);
});

R.run();
