// The week cells (grain 'w', migration 021): a span takes whole months, then whole weeks of what is left, then days,
// then the partial edges raw — and gives the figures the raw tables give, for weeks inside a month, straddling a month
// boundary or a whole month, cut by the span, and after late events change a ticket inside a week.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from './helpers/db.ts';
import { cst, fixtureOffice, put, type FixtureOffice } from './helpers/reports.ts';
import type { Sql } from '../server/db/connect.ts';
import { migrate, migrationFiles, migrationsDir } from '../server/db/migrate.ts';
import { buildReport, type ReportInput } from '../server/reports/report.ts';
import { refreshRollups } from '../server/reports/rollup.ts';
import { COUNTERS } from '../shared/metrics.ts';
import { addDays, weekStart, type Report, type ReportScope } from '../shared/reports.ts';

const W = suite<{ sql: Sql; drop(): Promise<void>; o: FixtureOffice; ids: Record<string, string> }>('reports: week rollups');
// A Monday noon (2026-11-30); the fixture covers 2026-09-21 (a Monday) to 2026-11-29 (a Sunday).
const NOW = cst('2026-11-30T12:00:00').getTime();
const CATEGORIES = ['clutter', 'elevator', 'manhole'], CHANNELS = ['hotline', 'patrol', 'miniprogram'];

W.before(async (ctx) => {
  const db = await freshDatabase();
  ctx.sql = db.sql; ctx.drop = db.drop;
  const o = ctx.o = await fixtureOffice(db.sql);
  ctx.ids = {};
  // One to three settled tickets a day, some at 00:10 (the previous day in UTC: a Monday's 00:10 is Sunday in UTC) and
  // at 23:50 (a Sunday's belongs to the week before the Monday after), varied in grid, category, channel, responder,
  // response and resolution time, so that a day or a week in the wrong cell changes some figure.
  let k = 0;
  for (let d = '2026-09-21'; d <= '2026-11-29'; d = addDays(d, 1)) {
    const times = ['00:10', '13:00', '23:50'].slice(0, 1 + (k % 3));
    for (const hhmm of times) {
      k++;
      const respondedS = 60 + ((k * 137) % 900), resolvedS = 1800 + ((k * 911) % 20_000), responder = k % 4 === 0 ? null : k % 2 ? o.r1 : o.r2;
      const id = await put(db.sql, o, {
        grid: k % 2 ? o.gridA : o.gridB, at: cst(`${d}T${hhmm}:00`), status: 'closed', category: CATEGORIES[k % 3], channel: CHANNELS[k % 3],
        respondedS, resolvedS, rating: 1 + (k % 5), everResolved: true, assignee: responder,
        events: [['dispatch', 20], ...(k % 5 === 0 ? [['decline', 40] as [string, number], ['dispatch', 45] as [string, number]] : []),
          ['accept', 50, { responder: responder ?? undefined }], ['respond', respondedS, { responder: responder ?? undefined }], ['resolve', resolvedS], ['close', resolvedS + 60]],
      });
      ctx.ids[`${d} ${hhmm}`] = id;
    }
  }
  const built = await refreshRollups(db.sql, { nowMs: NOW });
  assert.ok(built.rebuilt > 0);
});
W.after(async ({ drop }) => drop());

const office = (o: FixtureOffice): ReportScope => ({ kind: 'street_office', id: o.soId, name: '测试街道', gridIds: null });
const run = (sql: Sql, o: FixtureOffice, from: string, to: string, extra: Partial<ReportInput> = {}) =>
  buildReport(sql, { streetOfficeId: o.soId, scope: office(o), query: { period: 'custom', from, to }, nowMs: NOW, ...extra });
const fails = async (p: Promise<unknown>) => { try { await p; return false; } catch { return true; } };
function comparable(r: Report) {
  const { source: _s, generatedAt: _g, ...rest } = r;
  return JSON.parse(JSON.stringify(rest));
}
/** The report from the rollups and from the raw tables, asserted equal; returns the rollups' one. */
async function same(sql: Sql, o: FixtureOffice, from: string, to: string, extra: Partial<ReportInput> = {}) {
  const [cells, raw] = [await run(sql, o, from, to, extra), await run(sql, o, from, to, { ...extra, rollups: false })];
  assert.equal(comparable(cells), comparable(raw), `${from}..${to}: rollups as raw`);
  assert.ok(raw.current.counters.reported > 0);
  return cells;
}

W('weekStart: the Monday of the ISO week, across a month and a year', () => {
  assert.is(weekStart('2026-11-30'), '2026-11-30', 'a Monday is its own');
  assert.is(weekStart('2026-11-29'), '2026-11-23', 'a Sunday belongs to the Monday before');
  assert.is(weekStart('2026-10-01'), '2026-09-28');
  assert.is(weekStart('2027-01-01'), '2026-12-28');
});

W('week cells hold exactly the sums of their days\' cells, counters and histograms', async ({ sql, o }) => {
  const sums = COUNTERS.map((c) => `sum(${c})::bigint`).join(', ');
  const cellDiff = await sql.unsafe(`
    SELECT dim, key, period FROM (
      SELECT dim, key, date_trunc('week', period)::date AS period, ${sums} FROM report_cells WHERE street_office_id = $1 AND grain = 'd' AND dim <> 'day' GROUP BY 1, 2, 3
      EXCEPT
      SELECT dim, key, period, ${sums} FROM report_cells WHERE street_office_id = $1 AND grain = 'w' GROUP BY 1, 2, 3) x
    UNION ALL
    SELECT dim, key, period FROM (
      SELECT dim, key, period, ${sums} FROM report_cells WHERE street_office_id = $1 AND grain = 'w' GROUP BY 1, 2, 3
      EXCEPT
      SELECT dim, key, date_trunc('week', period)::date, ${sums} FROM report_cells WHERE street_office_id = $1 AND grain = 'd' AND dim <> 'day' GROUP BY 1, 2, 3) y`, [o.soId]);
  assert.is(cellDiff.length, 0, `cells differing: ${JSON.stringify(cellDiff.slice(0, 3))}`);
  const histDiff = await sql`
    (SELECT metric, value, date_trunc('week', period)::date, sum(n) FROM report_hist WHERE street_office_id = ${o.soId} AND grain = 'd' GROUP BY 1, 2, 3
     EXCEPT SELECT metric, value, period, sum(n) FROM report_hist WHERE street_office_id = ${o.soId} AND grain = 'w' GROUP BY 1, 2, 3)
    UNION ALL
    (SELECT metric, value, period, sum(n) FROM report_hist WHERE street_office_id = ${o.soId} AND grain = 'w' GROUP BY 1, 2, 3
     EXCEPT SELECT metric, value, date_trunc('week', period)::date, sum(n) FROM report_hist WHERE street_office_id = ${o.soId} AND grain = 'd' GROUP BY 1, 2, 3)`;
  assert.is(histDiff.length, 0);
  const weeks = await sql<{ period: string; dow: number; n: number }[]>`
    SELECT period::text, extract(isodow FROM period)::int AS dow, sum(reported)::int AS n FROM report_cells
    WHERE street_office_id = ${o.soId} AND grain = 'w' AND dim = 'grid' GROUP BY 1, 2 ORDER BY 1`;
  assert.equal(weeks.map((w) => w.period).slice(0, 3), ['2026-09-21', '2026-09-28', '2026-10-05']);
  assert.ok(weeks.every((w) => w.dow === 1), 'every week cell is keyed by a Monday');
  assert.is(weeks.length, 10);
  const [{ mon }] = await sql<{ mon: number }[]>`
    SELECT sum(reported)::int AS mon FROM report_cells WHERE street_office_id = ${o.soId} AND grain = 'w' AND dim = 'grid' AND period = '2026-11-23'`;
  const [{ raw }] = await sql<{ raw: number }[]>`
    SELECT count(*)::int AS raw FROM tickets WHERE street_office_id = ${o.soId} AND reported_at >= ${cst('2026-11-23T00:00:00')} AND reported_at < ${cst('2026-11-30T00:00:00')}`;
  assert.is(mon, raw, 'the week of Monday the 23rd: its local days, 00:10 on the Monday included, 23:50 on the Sunday too');
});

W('whole weeks but no whole month: read from week cells, the same figures as raw', async ({ sql, o }) => {
  const three = await same(sql, o, '2026-11-02', '2026-11-22');
  assert.equal([three.source.rollupMonths, three.source.rollupWeeks, three.source.rollupDays], [0, 3, 21]);
  const last = await same(sql, o, '2026-11-23', '2026-11-29');
  assert.equal([last.source.rollupWeeks, last.source.rollupDays], [1, 7], 'last week: one week cell');
  const rolling = await same(sql, o, '2026-10-31', '2026-11-29');
  assert.equal([rolling.source.rollupMonths, rolling.source.rollupWeeks], [0, 4], 'a rolling 30 days: 4 weeks and 2 days');
});

W('a week straddling a month boundary: a week cell unless that month is whole', async ({ sql, o }) => {
  const straddle = await same(sql, o, '2026-09-28', '2026-10-04');
  assert.equal([straddle.source.rollupMonths, straddle.source.rollupWeeks], [0, 1], 'Mon 28 Sep .. Sun 4 Oct');
  const two = await same(sql, o, '2026-10-26', '2026-11-08');
  assert.equal([two.source.rollupMonths, two.source.rollupWeeks], [0, 2], 'the week of 26 Oct … 1 Nov and the next');
  // October whole: its month cell holds 1–4 October, so the week of 28 September is read by its days.
  const month = await same(sql, o, '2026-09-28', '2026-11-08');
  assert.equal([month.source.rollupMonths, month.source.rollupWeeks], [1, 1], 'October, then only the week of 2 November');
});

W('spans cut inside weeks: 5 or 6 days of a week are its week cell minus the others; fewer are their days', async ({ sql, o }) => {
  const none = await same(sql, o, '2026-11-03', '2026-11-11');
  assert.equal([none.source.rollupWeeks, none.source.rollupDays], [1, 9], 'Tue 3 .. Sun 8 November: the week minus Monday; Mon 9 .. Wed 11: days');
  const one = await same(sql, o, '2026-11-03', '2026-11-18');
  assert.equal([one.source.rollupWeeks, one.source.rollupDays], [2, 16], 'the week of 2 November minus Monday, the week of 9 November, 3 days');
  const four = await same(sql, o, '2026-11-05', '2026-11-11');
  assert.equal([four.source.rollupWeeks, four.source.rollupDays], [0, 7], 'Thu 5 .. Sun 8 November: 4 days, read as days');
  // 2–31 October: the week of 26 October is its cell minus 1 November (the next month), as the bench's previous 30 days.
  const october = await same(sql, o, '2026-10-02', '2026-10-31');
  assert.equal([october.source.rollupMonths, october.source.rollupWeeks], [0, 4]);
  // Partial days at the edges (this week so far on Sunday evening; the span's first instant mid-day) stay raw.
  const sunday = cst('2026-11-29T20:00:00').getTime();
  const thisWeek = { query: { period: 'this_week' as const }, nowMs: sunday };
  const week = await run(sql, o, '', '', thisWeek), weekRaw = await run(sql, o, '', '', { ...thisWeek, rollups: false });
  assert.equal(comparable(week), comparable(weekRaw));
  assert.equal([week.source.rollupWeeks, week.source.rollupDays], [1, 6], 'Monday to Saturday whole (the week minus Sunday), Sunday partial and raw');
});

W('a late event inside a week updates its week cell; the rollups still match raw', async ({ sql, o, ids }) => {
  const weekCell = async () => (await sql<{ reported: number; satisfied: number; reopened: number }[]>`
    SELECT sum(reported)::int AS reported, sum(satisfied)::int AS satisfied, sum(reopened)::int AS reopened FROM report_cells
    WHERE street_office_id = ${o.soId} AND grain = 'w' AND dim = 'grid' AND period = '2026-11-09'`)[0];
  const before = await weekCell();
  const from = '2026-11-09', to = '2026-11-15';
  // Wednesday 11 November: a ticket rated again; Friday the 13th: one reopened and resolved again; Thursday the 12th:
  // one entered late, back-dated.
  const rated = ids['2026-11-11 00:10'], reopened = ids['2026-11-13 00:10'];
  const [{ rating }] = await sql<{ rating: number }[]>`SELECT rating FROM tickets WHERE id = ${rated}`;
  const newRating = rating >= 4 ? 1 : 5;
  await sql`UPDATE tickets SET rating = ${newRating} WHERE id = ${rated}`;
  await sql`UPDATE tickets SET reopen_count = 1 WHERE id = ${reopened}`;
  await sql`INSERT INTO ticket_events (ticket_id, action, at, actor_label) VALUES
    (${reopened}, 'reopen', ${new Date(NOW - 7200_000)}, 'late'), (${reopened}, 'resolve', ${new Date(NOW - 3600_000)}, 'late')`;
  await put(sql, o, { grid: o.gridB, at: cst('2026-11-12T09:00:00'), status: 'closed', respondedS: 200, resolvedS: 3000, rating: 5, everResolved: true,
    events: [['dispatch', 10], ['accept', 30], ['respond', 200], ['resolve', 3000], ['close', 3100]] });
  const live = await same(sql, o, from, to);
  assert.is(live.source.rollupWeeks, 1);
  assert.ok(live.source.liveTickets >= 3, 'the changed tickets read live until the job runs');
  const job = await refreshRollups(sql, { nowMs: NOW });
  assert.ok(job.tickets >= 3);
  const after = await weekCell();
  assert.is(after.reported, before.reported + 1, 'the late-entered ticket is in its week');
  assert.is(after.satisfied, before.satisfied + (newRating >= 4 ? 1 : -1) + 1, 'the new rating, and the new ticket\'s 5');
  assert.is(after.reopened, before.reopened + 1);
  const folded = await same(sql, o, from, to);
  assert.is(folded.source.liveTickets, 0, 'all of it from the week cell now');
  assert.is(folded.source.rollupWeeks, 1);
  await same(sql, o, '2026-10-31', '2026-11-29');
});

W('migration 021 reaches a database that had every other migration: the week grain is accepted there', async () => {
  const db = await freshDatabase({ empty: true });
  try {
    await db.sql`CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    for (const file of (await migrationFiles()).filter((f) => f !== '021_report_weeks.sql')) {
      await db.sql.unsafe(await readFile(path.join(migrationsDir, file), 'utf8'));
      await db.sql`INSERT INTO schema_migrations (name) VALUES (${file})`;
    }
    const cell = (grain: string) => db.sql.unsafe(`
      INSERT INTO report_hist (street_office_id, grain, period, metric, value, n) VALUES (1, '${grain}', '2026-11-23', 'response', 1, 1)`);
    assert.ok(await fails(cell('w')), 'before: only days and months');
    assert.equal(await migrate(db.sql), ['021_report_weeks.sql'], 'the new file runs although later numbers ran before it');
    await cell('w');
    assert.ok(await fails(cell('x')), 'still checked');
  } finally {
    await db.drop();
  }
});

W.run();
