// Who sees what, one rule: for every scope kind and a set of tickets, responders and offers in every relation to it,
// the shared TypeScript rule (shared/visibility.ts), the SQL built from it (server/auth/scope-sql.ts), the principal
// check of detail reads and the change stream's room fan-out (a scope's room name, read back) agree row by row.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SCOPE_KINDS, responderAudience, sees, ticketAudience, type Scope } from '../shared/visibility.ts';
import { offersInScope, respondersInScope, ticketsInScope } from '../server/auth/scope-sql.ts';
import { liveRoom, scopeOfRoom } from '../server/live/rooms.ts';
import { assertTicketVisible, scopeOf, type Principal } from '../server/auth/principal.ts';
import { ticketView } from '../server/tickets/views.ts';
import { freshDatabase } from './helpers/db.ts';
import { gridByCode, otherStreetOffice, responderUser } from './helpers/fixtures.ts';
import type { Sql } from '../server/db/connect.ts';

const V = suite<{ db: Awaited<ReturnType<typeof freshDatabase>>; f: Fixture }>('visibility: one rule');

interface Fixture { so: string; other: string; g1: string; g2: string; a: string; b: string; tickets: string[]; otherTicket: string }

async function ticket(sql: Sql, so: string, grid: string, opts: { assignee?: string; offeredTo?: string } = {}): Promise<string> {
  const [t] = await sql<{ id: string }[]>`
    INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, response_target_s, resolution_target_s, assignee_id)
    VALUES (${so}, ${grid}, 'clutter', 'hotline', 'normal', ${opts.assignee ? 'accepted' : opts.offeredTo ? 'dispatched' : 'reported'}, 'x', 38.3, 116.84, 600, 86400, ${opts.assignee ?? null})
    RETURNING id`;
  if (opts.offeredTo) await sql`INSERT INTO offers (ticket_id, responder_id, status, expires_at) VALUES (${t.id}, ${opts.offeredTo}, 'offered', now() + interval '2 minutes')`;
  return t.id;
}

V.before(async (ctx) => {
  const db = ctx.db = await freshDatabase();
  const sql = db.sql;
  await sql`UPDATE offers SET status = 'withdrawn' WHERE status = 'offered'`;
  const [so] = await sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
  const g1 = (await gridByCode(sql, '01-1')).id, g2 = (await gridByCode(sql, '07-3')).id;
  const a = (await responderUser(sql, 'r001')).responderId, b = (await responderUser(sql, 'r250')).responderId;
  const other = await otherStreetOffice(sql);
  const tickets = [
    await ticket(sql, so.id, g1), await ticket(sql, so.id, g1, { offeredTo: a }), await ticket(sql, so.id, g2, { assignee: a }),
    await ticket(sql, so.id, g2), await ticket(sql, so.id, g2, { offeredTo: b }),
  ];
  ctx.f = { so: so.id, other: other.id, g1, g2, a, b, tickets, otherTicket: await ticket(sql, other.id, other.gridId) };
});
V.after(async ({ db }) => db.drop());

function scopes(f: Fixture): Scope[] {
  return [
    { kind: 'street_office', streetOfficeId: f.so },
    { kind: 'street_office', streetOfficeId: f.other },
    { kind: 'grids', streetOfficeId: f.so, gridIds: [f.g1] },
    { kind: 'grids', streetOfficeId: f.so, gridIds: [f.g2, f.g1] },
    { kind: 'grids', streetOfficeId: f.so, gridIds: [] },
    { kind: 'responder', streetOfficeId: f.so, responderId: f.a, gridIds: [f.g1] },
    { kind: 'responder', streetOfficeId: f.so, responderId: f.b, gridIds: [f.g2] },
  ];
}

V('the test covers every scope kind there is', ({ f }) => {
  assert.equal([...new Set(scopes(f).map((s) => s.kind))].sort(), [...SCOPE_KINDS].sort());
});

V('tickets: the TypeScript rule, the SQL, the detail-read check and the room fan-out agree for every scope and ticket', async ({ db, f }) => {
  const all = [...f.tickets, f.otherTicket];
  const views = await Promise.all(all.map(async (id) => (await ticketView(db.sql, id))!));
  for (const scope of scopes(f)) {
    const bySql = new Set((await db.sql<{ id: string }[]>`SELECT t.id FROM tickets t WHERE ${ticketsInScope(db.sql, scope)} AND t.id = ANY(${all}::bigint[])`).map((r) => r.id));
    const room = scopeOfRoom(liveRoom(scope))!;
    for (const t of views) {
      const rule = sees(scope, ticketAudience(t));
      const where = `scope ${JSON.stringify(scope)}, ticket ${t.id} (grid ${t.gridId}, assignee ${t.assigneeId}, offer ${t.offer?.responderId})`;
      assert.is(bySql.has(t.id), rule, `SQL vs rule: ${where}`);
      assert.is(sees(room, ticketAudience(t)), rule, `room fan-out vs rule: ${where}`);
      const p = principalFor(scope);
      if (p) {
        const checked = (() => { try { assertTicketVisible(p, t); return true; } catch { return false; } })();
        assert.is(checked, rule, `detail read vs rule: ${where}`);
        assert.equal(scopeOf(p), scope, 'the principal reads in this scope');
      }
    }
  }
});

V('responders and open offers: the SQL agrees with the rule for every scope', async ({ db, f }) => {
  const responders = await db.sql<{ id: string; street_office_id: string; grid_ids: string[] }[]>`
    SELECT r.id, r.street_office_id, ARRAY(SELECT grid_id::text FROM responder_grids WHERE responder_id = r.id) AS grid_ids FROM responders r`;
  const offers = await db.sql<{ id: string; responder_id: string; street_office_id: string; grid_id: string }[]>`
    SELECT o.id, o.responder_id, t.street_office_id, t.grid_id FROM offers o JOIN tickets t ON t.id = o.ticket_id WHERE o.status = 'offered'`;
  assert.ok(offers.length >= 2);
  for (const scope of scopes(f)) {
    const rSql = new Set((await db.sql<{ id: string }[]>`SELECT r.id FROM responders r WHERE ${respondersInScope(db.sql, scope)}`).map((r) => r.id));
    for (const r of responders) {
      assert.is(rSql.has(r.id), sees(scope, responderAudience({ streetOfficeId: r.street_office_id, id: r.id, gridIds: r.grid_ids })), `responder ${r.id} in ${JSON.stringify(scope)}`);
    }
    const oSql = new Set((await db.sql<{ id: string }[]>`SELECT o.id FROM offers o JOIN tickets t ON t.id = o.ticket_id WHERE o.status = 'offered' AND ${offersInScope(db.sql, scope)}`).map((r) => r.id));
    for (const o of offers) {
      assert.is(oSql.has(o.id), sees(scope, { streetOfficeId: o.street_office_id, gridIds: [o.grid_id], responderIds: [o.responder_id] }), `offer ${o.id} in ${JSON.stringify(scope)}`);
    }
  }
});

/** A principal whose scope is `scope`, where one exists (a grid scope is a leader's). */
function principalFor(scope: Scope): Principal | null {
  const base = { kind: 'user' as const, userId: '1', sessionId: '1', sessionExpiresAt: null, displayName: 'x', username: 'x', streetOfficeId: scope.streetOfficeId };
  switch (scope.kind) {
    case 'street_office': return { ...base, role: 'duty', responderId: null, gridIds: [] };
    case 'grids': return { ...base, role: 'leader', responderId: null, gridIds: scope.gridIds };
    case 'responder': return { ...base, role: 'responder', responderId: scope.responderId, gridIds: scope.gridIds };
  }
}

V.run();
