// The response clock is one rule: tickets in every status and clock position, judged by shared/sla.ts and by the SQL
// built from it (server/tickets/response-clock.ts) in real PostgreSQL, must agree row by row — and so must the places
// that use the SQL: the REST `overdue` filter, the SLA job and the KPI board.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, type GridRef } from './helpers/fixtures.ts';
import {
  CLOCK_EXCLUDED_STATUSES, RESPONSE_CLOCK_BY_STATUS, RESPONSE_CLOCK_STATES, escalationClock, isAwaitingResponse, isClockExcluded, isOverdue,
  isResponseDue, isResponseLate, resolutionState, responseClockState, responseDeadlineMs, warningAtMs, type SlaTicket,
} from '../shared/sla.ts';
import { OPEN_STATUSES, TICKET_STATUSES, type TicketStatus } from '../shared/tickets.ts';
import { escalationClockSql, resolutionClockSql, responseClockSql } from '../server/tickets/response-clock.ts';
import { emitSlaTransitions } from '../server/live/clock.ts';
import { kpiBoard } from '../server/metrics/kpis.ts';

const C = suite<{ s: TestServer; g: GridRef; so: string; duty: string }>('response clock agreement');

C.before(async (ctx) => {
  ctx.s = await startTestServer({ start: false }); // no jobs: the SLA job is run by hand below
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.so = (await ctx.s.sql<{ id: string }[]>`SELECT street_office_id AS id FROM grids WHERE id = ${ctx.g.id}`)[0].id;
  ctx.duty = await ctx.s.login('duty');
});
C.after(async ({ s }) => s.close());

interface Case { status: TicketStatus; reportedMs: number; respondedMs: number | null; targetS: number; label: string }

/** Every status × every clock position (before/at/after 80 %, at/after the deadline; answered before/at/after it). */
function cases(nowMs: number): Case[] {
  const out: Case[] = [];
  for (const status of TICKET_STATUSES) {
    for (const targetS of [600, 300, 7, 3600]) {
      const T = targetS * 1000, W = Math.round(T * 0.8);
      const running: Array<[string, number]> = [['just reported', 0], ['1 ms before 80 %', W - 1], ['at 80 %', W], ['at the deadline', T], ['1 ms past', T + 1], ['long past', 5 * T]];
      for (const [label, elapsed] of running) out.push({ status, reportedMs: nowMs - elapsed, respondedMs: null, targetS, label: `${status} ${targetS}s unanswered ${label}` });
      const answered: Array<[string, number]> = [['1 ms early', T - 1], ['at the deadline', T], ['1 ms late', T + 1], ['right away', 0]];
      for (const [label, after] of answered) out.push({ status, reportedMs: nowMs - 2 * T, respondedMs: nowMs - 2 * T + after, targetS, label: `${status} ${targetS}s answered ${label}` });
      // Answered "in the future" relative to the clock (a response stamped later than the evaluation instant).
      out.push({ status, reportedMs: nowMs - 1000, respondedMs: nowMs + 1000, targetS, label: `${status} ${targetS}s answered after now` });
    }
  }
  return out;
}

const sla = (c: { status: TicketStatus; reportedMs: number; respondedMs: number | null; targetS: number }): SlaTicket => ({
  status: c.status, reportedAt: new Date(c.reportedMs).toISOString(), respondedAt: c.respondedMs == null ? null : new Date(c.respondedMs).toISOString(), responseTargetS: c.targetS,
});

async function insert(s: TestServer, g: GridRef, so: string, list: Case[]): Promise<string[]> {
  const rows = list.map((c) => ({
    street_office_id: so, grid_id: g.id, category: 'clutter', channel: 'hotline', urgency: 'normal', status: c.status,
    description: c.label, lat: g.lat, lng: g.lng, response_target_s: c.targetS, resolution_target_s: 86_400,
    reported_at: new Date(c.reportedMs), responded_at: c.respondedMs == null ? null : new Date(c.respondedMs),
  }));
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 500) ids.push(...(await s.sql<{ id: string }[]>`INSERT INTO tickets ${s.sql(rows.slice(i, i + 500))} RETURNING id`).map((r) => r.id));
  return ids;
}

C('the rule covers every status the database allows, and nothing else', async ({ s }) => {
  const [{ def }] = await s.sql<{ def: string }[]>`
    SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    WHERE c.conrelid = 'tickets'::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%status%'`;
  const inDb = [...def.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
  assert.equal(inDb, [...TICKET_STATUSES].sort(), 'tickets.status CHECK and TICKET_STATUSES list the same statuses');
  assert.equal(Object.keys(RESPONSE_CLOCK_BY_STATUS).sort(), [...TICKET_STATUSES].sort(), 'the clock rule places every status');
  assert.equal([...CLOCK_EXCLUDED_STATUSES], ['rejected']);
  // Partial indexes repeat the exclusion as a literal (so the planner can match them): they must list the same statuses.
  for (const name of ['tickets_awaiting_response']) {
    const [{ def }] = await s.sql<{ def: string }[]>`SELECT pg_get_indexdef(${name}::regclass) AS def`;
    const listed = [...def.matchAll(/status <> '([a-z_]+)'/g)].map((m) => m[1]).sort();
    assert.equal(listed, [...CLOCK_EXCLUDED_STATUSES].sort(), `${name}: ${def}`);
  }
});

C('the resolution and department clocks: SQL and shared/sla.ts agree on every status', async ({ s, g, so }) => {
  const NOW = Date.parse('2026-11-23T08:00:00.000Z');
  const list: Array<{ status: TicketStatus; reportedMs: number; resolvedMs: number | null; dueMs: number | null }> = [];
  for (const status of TICKET_STATUSES) {
    for (const [resolvedAfterS, reportedAgoS] of [[null, 3000], [null, 4000], [3600, 7200], [3601, 7200], [100, 7200]] as const) {
      for (const dueAfterS of [null, 3600, 1000]) {
        list.push({ status, reportedMs: NOW - reportedAgoS * 1000, resolvedMs: resolvedAfterS == null ? null : NOW - reportedAgoS * 1000 + resolvedAfterS * 1000, dueMs: dueAfterS == null ? null : NOW - reportedAgoS * 1000 + dueAfterS * 1000 });
      }
    }
  }
  const rows = list.map((c) => ({
    street_office_id: so, grid_id: g.id, category: 'clutter', channel: 'hotline', urgency: 'normal', status: c.status, description: 'clock', lat: g.lat, lng: g.lng,
    response_target_s: 600, resolution_target_s: 3600, reported_at: new Date(c.reportedMs), resolved_at: c.resolvedMs == null ? null : new Date(c.resolvedMs),
    escalated_at: c.dueMs == null ? null : new Date(c.reportedMs + 60_000), escalation_due_at: c.dueMs == null ? null : new Date(c.dueMs),
  }));
  const ids = (await s.sql<{ id: string }[]>`INSERT INTO tickets ${s.sql(rows)} RETURNING id`).map((r) => r.id);
  const res = resolutionClockSql(s.sql), esc = escalationClockSql(s.sql);
  const now = new Date(NOW);
  const got = await s.sql<{ id: string; due: boolean; on_time: boolean; esc_due: boolean; esc_on_time: boolean }[]>`
    SELECT t.id, ${res.due(now)} AS due, coalesce(${res.onTime}, false) AS on_time, coalesce(${esc.due(now)}, false) AS esc_due, coalesce(${esc.onTime}, false) AS esc_on_time
    FROM tickets t WHERE t.id = ANY(${ids}::bigint[])`;
  const byId = new Map(got.map((r) => [r.id, r]));
  list.forEach((c, i) => {
    const r = byId.get(ids[i])!;
    const st = resolutionState({ status: c.status, reportedAt: new Date(c.reportedMs).toISOString(), resolvedAt: c.resolvedMs == null ? null : new Date(c.resolvedMs).toISOString(), resolutionTargetS: 3600 }, NOW);
    const label = `${c.status} resolved ${c.resolvedMs} due ${c.dueMs}`;
    assert.is(r.due, st === 'met' || st === 'missed' || st === 'overdue', `resolution due: ${label}`);
    assert.is(r.on_time, st === 'met', `resolution on time: ${label}`);
    const e = c.dueMs == null || isClockExcluded(c.status) ? null : escalationClock(new Date(c.dueMs).toISOString(), c.resolvedMs == null ? null : new Date(c.resolvedMs).toISOString(), NOW);
    assert.is(r.esc_due, e != null && e.state !== 'ok', `department due: ${label}`);
    assert.is(r.esc_on_time, e?.state === 'met', `department on time: ${label}`);
  });
  await s.sql`DELETE FROM tickets WHERE id = ANY(${ids}::bigint[])`;
});

C('every status and clock position: the SQL fragments agree with shared/sla.ts row by row', async ({ s, g, so }) => {
  const NOW = Date.parse('2026-11-23T08:00:00.000Z');
  const list = cases(NOW);
  const ids = await insert(s, g, so, list);
  const clock = responseClockSql(s.sql);
  const now = new Date(NOW);
  const rows = await s.sql<{ id: string; state: string; running: boolean; excluded: boolean; due: boolean; on_time: boolean; late: boolean; overdue: boolean; deadline: Date; warning_at: Date }[]>`
    SELECT t.id, ${clock.state(now)} AS state, ${clock.running} AS running, ${clock.excluded} AS excluded, ${clock.due(now)} AS due,
      coalesce(${clock.onTime}, false) AS on_time, coalesce(${clock.late(now)}, false) AS late, ${clock.overdue(now)} AS overdue,
      ${clock.deadline} AS deadline, ${clock.warningAt} AS warning_at
    FROM tickets t WHERE t.id = ANY(${ids}::bigint[])`;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const r = byId.get(ids[i])!;
    const t = sla(c);
    const state = responseClockState(t, NOW);
    seen.add(state);
    assert.is(r.state, state, `state: ${c.label}`);
    assert.is(r.running, isAwaitingResponse(t), `running: ${c.label}`);
    assert.is(r.excluded, state === 'excluded', `excluded: ${c.label}`);
    assert.is(r.due, isResponseDue(t, NOW), `due: ${c.label}`);
    assert.is(r.on_time, state === 'met', `on time: ${c.label}`);
    assert.is(r.late, isResponseLate(t, NOW), `late: ${c.label}`);
    assert.is(r.overdue, isOverdue(t, NOW), `overdue: ${c.label}`);
    assert.is(r.deadline.getTime(), responseDeadlineMs(t), `deadline: ${c.label}`);
    assert.is(r.warning_at.getTime(), warningAtMs(t), `warning instant: ${c.label}`);
  });
  assert.equal([...seen].sort(), [...RESPONSE_CLOCK_STATES].sort(), 'the table reaches every clock state');
  await s.sql`DELETE FROM tickets WHERE id = ANY(${ids}::bigint[])`;
});

C('the REST overdue filter returns exactly the tickets shared/sla.ts calls overdue', async ({ s, g, so, duty }) => {
  // Relative to the database's clock (the filter uses now()), 30 s away from every boundary.
  const [{ now }] = await s.sql<{ now: Date }[]>`SELECT now() AS now`;
  const list: Case[] = [];
  for (const status of TICKET_STATUSES) {
    for (const [label, elapsedS, respondedAfterS] of [['within', 570, null], ['past', 630, null], ['answered late', 1800, 700], ['answered in time', 1800, 60]] as const) {
      list.push({ status, reportedMs: now.getTime() - elapsedS * 1000, respondedMs: respondedAfterS == null ? null : now.getTime() - elapsedS * 1000 + respondedAfterS * 1000, targetS: 600, label: `${status} ${label}` });
    }
  }
  const ids = await insert(s, g, so, list);
  const listed = new Set<string>();
  for (let before: string | null = null, page = 0; page < 50; page++) {
    const res = await s.api('GET', `/api/tickets?overdue=true&limit=500${before ? `&before=${before}` : ''}`, { cookie: duty });
    assert.is(res.status, 200);
    for (const t of res.body.items) listed.add(t.id);
    before = res.body.nextBefore;
    if (!before) break;
  }
  const evalAt = Date.now();
  list.forEach((c, i) => assert.is(listed.has(ids[i]), isOverdue(sla(c), evalAt), `overdue=true: ${c.label}`));
  await s.sql`DELETE FROM tickets WHERE id = ANY(${ids}::bigint[])`;
});

C('the SLA job announces warning and breach exactly for the tickets whose clock crosses them in its window', async ({ s, g, so }) => {
  await s.sql`DELETE FROM job_state WHERE name = 'sla_clock'`;
  const [{ now }] = await s.sql<{ now: Date }[]>`SELECT now() AS now`;
  const windowStart = now.getTime() - 60_000;
  await s.sql`INSERT INTO job_state (name, last_run_at) VALUES ('sla_clock', ${new Date(windowStart)})`;
  // Warning instants and deadlines placed well inside the window or well outside it, for every status.
  const list: Case[] = [];
  for (const status of TICKET_STATUSES) {
    // [label, seconds ago the deadline was (600 s target: warning 120 s before it), answered]
    for (const [label, deadlineAgoS, responded] of [['warns in window', -90, false], ['warned before window', -30, false], ['breaches in window', 30, false], ['breached before window', 90, false], ['answered', 30, true]] as const) {
      const reportedMs = now.getTime() - deadlineAgoS * 1000 - 600_000;
      list.push({ status, reportedMs, respondedMs: responded ? reportedMs + 1000 : null, targetS: 600, label: `${status} ${label}` });
    }
  }
  const ids = await insert(s, g, so, list);
  const [{ seq }] = await s.sql<{ seq: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq FROM changes`;
  await emitSlaTransitions(s.sql);
  const [{ last }] = await s.sql<{ last: Date }[]>`SELECT last_run_at AS last FROM job_state WHERE name = 'sla_clock'`;
  const emitted = await s.sql<{ ticket_id: string; state: string }[]>`
    SELECT payload->>'ticketId' AS ticket_id, payload->>'state' AS state FROM changes WHERE seq > ${seq} AND payload->>'kind' = 'sla'`;
  const got = new Set(emitted.filter((e) => ids.includes(e.ticket_id)).map((e) => `${e.ticket_id}:${e.state}`));
  const want = new Set<string>();
  list.forEach((c, i) => {
    const t = sla(c);
    if (!isAwaitingResponse(t)) return;
    const w = warningAtMs(t), d = responseDeadlineMs(t);
    if (w > windowStart && w <= last.getTime()) want.add(`${ids[i]}:warning`);
    if (d >= windowStart && d < last.getTime()) want.add(`${ids[i]}:breached`);
  });
  assert.equal([...got].sort(), [...want].sort());
  assert.ok(want.size >= 2 * (TICKET_STATUSES.length - 1), 'every counted status warns and breaches in the window');
  await s.sql`DELETE FROM tickets WHERE id = ANY(${ids}::bigint[])`;
});

C('the KPI board counts breached tickets per community as shared/sla.ts does', async ({ s, g, so }) => {
  const NOW = Date.now();
  const ids = await insert(s, g, so, cases(NOW));
  const board = await kpiBoard(s.sql, so, NOW);
  const all = await s.sql<{ community_id: string; status: TicketStatus; reported_at: Date; responded_at: Date | null; response_target_s: number }[]>`
    SELECT g.community_id, t.status, t.reported_at, t.responded_at, t.response_target_s FROM tickets t JOIN grids g ON g.id = t.grid_id WHERE t.street_office_id = ${so}`;
  const want = new Map<string, number>();
  for (const r of all) {
    if (!OPEN_STATUSES.includes(r.status)) continue;
    const t: SlaTicket = { status: r.status, reportedAt: r.reported_at.toISOString(), respondedAt: r.responded_at?.toISOString() ?? null, responseTargetS: r.response_target_s };
    if (isOverdue(t, NOW)) want.set(r.community_id, (want.get(r.community_id) ?? 0) + 1);
  }
  for (const c of board.perCommunity) assert.is(c.breached, want.get(c.communityId) ?? 0, `community ${c.communityId}`);
  assert.ok((want.get(board.perCommunity.find((c) => c.breached > 0)?.communityId ?? '') ?? 0) > 0);
  await s.sql`DELETE FROM tickets WHERE id = ANY(${ids}::bigint[])`;
});

C.run();
