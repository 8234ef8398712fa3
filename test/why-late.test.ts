// Why late, on crafted histories: the SQL built from shared/why-late.ts and the TypeScript classifier (fed from the
// ticket's timeline, as the drill-down does) agree with the cause worked out by hand — boundaries included; then two
// histories made by the real services (a call entered late, auto-dispatch finding nobody).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from './helpers/db.ts';
import { cst, fixtureOffice, put, type EventSpec, type FixtureOffice } from './helpers/reports.ts';
import { startTestServer } from './helpers/server.ts';
import { gridByCode, newTicket } from './helpers/fixtures.ts';
import type { Sql } from '../server/db/connect.ts';
import { drillTickets } from '../server/reports/drill.ts';
import { ticketEvents } from '../server/tickets/history.ts';
import { lateCause, lateInputFromHistory, type LateCause } from '../shared/why-late.ts';
import { isResponseLate } from '../shared/sla.ts';
import type { TicketStatus } from '../shared/tickets.ts';

const W = suite<{ sql: Sql; drop(): Promise<void>; o: FixtureOffice }>('why late');
const NOW = cst('2026-11-23T12:00:00').getTime();

W.before(async (ctx) => {
  const db = await freshDatabase();
  ctx.sql = db.sql; ctx.drop = db.drop;
  ctx.o = await fixtureOffice(db.sql);
});
W.after(async ({ drop }) => drop());

interface Case { name: string; events: EventSpec[]; respondedS?: number; status?: TicketStatus; targetS?: number; escalatedS?: number; want: LateCause | null }
const CASES: Case[] = [
  { name: 'on time', events: [['dispatch', 10], ['accept', 30], ['respond', 200]], respondedS: 200, want: null },
  { name: 'answered exactly at the deadline', events: [['dispatch', 10], ['accept', 30], ['respond', 600]], respondedS: 600, want: null },
  { name: 'entered exactly at half the target is not late entry (then the offer came late)', events: [['report', 300], ['dispatch', 310], ['accept', 320], ['respond', 700]], respondedS: 700, want: 'dispatch_late' },
  { name: 'entered 1 s past half the target', events: [['report', 301], ['dispatch', 310], ['accept', 320], ['respond', 700]], respondedS: 700, want: 'entered_late' },
  { name: 'escalated before anyone responded', events: [['escalate', 100], ['resolve', 5000]], status: 'resolved', escalatedS: 100, want: 'escalated' },
  { name: 'escalated only after the deadline', events: [['dispatch', 10], ['accept', 30], ['escalate', 700]], status: 'escalated', escalatedS: 700, want: 'slow_to_arrive' },
  { name: 'escalated after a late response', events: [['dispatch', 10], ['accept', 20], ['respond', 650], ['escalate', 660]], respondedS: 650, status: 'escalated', escalatedS: 660, want: 'slow_to_arrive' },
  { name: 'nobody available within the target', events: [['alert', 5], ['dispatch', 100], ['accept', 120], ['respond', 700]], respondedS: 700, want: 'no_one_available' },
  { name: 'the alert came only after the deadline', events: [['alert', 650]], status: 'reported', want: 'dispatch_late' },
  { name: 'a decline after the deadline does not count', events: [['dispatch', 10], ['decline', 700]], status: 'reported', want: 'accepted_late' },
  { name: 'a decline after the first acceptance does not count', events: [['dispatch', 10], ['accept', 30], ['respond', 700], ['reopen', 800], ['dispatch', 900], ['decline', 950]], respondedS: 700, status: 'reopened', want: 'slow_to_arrive' },
  { name: 'three offers timed out', events: [['dispatch', 10], ['expire', 130], ['dispatch', 135], ['expire', 255], ['dispatch', 260], ['expire', 380], ['dispatch', 385], ['accept', 500], ['respond', 800]], respondedS: 800, want: 'offers_passed' },
  { name: 'accepted exactly at half the target', events: [['dispatch', 10], ['accept', 300], ['respond', 700]], respondedS: 700, want: 'slow_to_arrive' },
  { name: 'accepted 1 s past half the target', events: [['dispatch', 10], ['accept', 301], ['respond', 700]], respondedS: 700, want: 'accepted_late' },
  { name: 'a 5-minute target: accepted in 100 s, on site at 310 s', events: [['dispatch', 10], ['accept', 100], ['respond', 310]], respondedS: 310, targetS: 300, want: 'slow_to_arrive' },
  { name: 'an offer still waiting', events: [['dispatch', 10]], status: 'dispatched', want: 'accepted_late' },
  { name: 'the office called back late without any dispatch', events: [['respond', 700]], respondedS: 700, want: 'dispatch_late' },
  { name: 'rejected: excluded, never late', events: [['reject', 60]], status: 'rejected', want: null },
];

W('crafted histories: SQL, the TypeScript classifier and the hand-made answer agree', async ({ sql, o }) => {
  const ids: string[] = [];
  for (const [i, c] of CASES.entries()) {
    ids.push(await put(sql, o, {
      grid: o.gridA, at: new Date(cst('2026-11-22T06:00:00').getTime() + i * 60_000), status: c.status ?? 'responded', targetS: c.targetS ?? 600,
      respondedS: c.respondedS ?? null, escalatedS: c.escalatedS ?? null, escalationDueS: c.escalatedS != null ? c.escalatedS + 86_400 : null,
      resolvedS: c.status === 'resolved' ? 5000 : null, events: c.events,
    }));
  }
  const page = await drillTickets(sql, {
    streetOfficeId: o.soId, scope: { kind: 'street_office', id: o.soId, name: '', gridIds: null },
    query: { period: 'custom', from: '2026-11-22', to: '2026-11-22', limit: 200 }, nowMs: NOW,
  });
  const byId = new Map(page.items.map((t) => [t.id, t]));
  for (const [i, c] of CASES.entries()) {
    const row = byId.get(ids[i])!;
    assert.is(row.cause, c.want, `SQL: ${c.name}`);
    const [t] = await sql<{ reported_at: Date; responded_at: Date | null; response_target_s: number; status: TicketStatus }[]>`
      SELECT reported_at, responded_at, response_target_s, status FROM tickets WHERE id = ${ids[i]}`;
    const ticket = { status: t.status, reportedAt: t.reported_at.toISOString(), respondedAt: t.responded_at?.toISOString() ?? null, responseTargetS: t.response_target_s };
    const late = isResponseLate(ticket, NOW);
    assert.is(row.late, late, `late: ${c.name}`);
    const ts = late ? lateCause(lateInputFromHistory(ticket, await ticketEvents(sql, ids[i]))) : null;
    assert.is(ts, c.want, `TypeScript: ${c.name}`);
  }
  assert.is(byId.get(ids[CASES.findIndex((c) => c.name === 'three offers timed out')])!.passes, 3);
});

W('histories from the real services: a call entered 11 minutes late; auto-dispatch with nobody available', async () => {
  const s = await startTestServer();
  try {
    const duty = await s.login('duty');
    const g = await gridByCode(s.sql, '01-1');
    await s.sql`UPDATE responders SET duty_status = 'off_duty'`;
    const late = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'policy', receivedAt: new Date(Date.now() - 11 * 60_000).toISOString() }) });
    assert.is(late.status, 201);
    assert.ok(Date.now() - Date.parse(late.body.reportedAt) > 10 * 60_000, 'the clock starts when the call came in');
    // A 2-second target, so that "nobody available" becomes late within the test.
    await s.sql`UPDATE categories SET response_target_s = 2 WHERE code = 'pets'`;
    const alone = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'pets' }) });
    assert.is(alone.status, 201);
    for (let i = 0; i < 50; i++) {
      const ev = await ticketEvents(s.sql, alone.body.id);
      if (ev.some((e) => e.action === 'alert')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2200));
    const manager = await s.login('manager');
    const res = await s.api('GET', '/api/reports/tickets?period=today&late=true&limit=200', { cookie: manager });
    assert.is(res.status, 200);
    const cause = (id: string) => res.body.items.find((t: { id: string }) => t.id === id)?.cause;
    assert.is(cause(late.body.id), 'entered_late');
    assert.is(cause(alone.body.id), 'no_one_available');
    const wrong = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { receivedAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    assert.is(wrong.status, 400);
    assert.match(wrong.body.error.message, /future/);
  } finally {
    await s.close();
  }
});

W.run();
