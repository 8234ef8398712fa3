// Tickets over REST against a real server and PostgreSQL: report, idempotency, lifecycle, conflicts, bad input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn, type GridRef } from './helpers/fixtures.ts';

const T = suite<{ s: TestServer; duty: string; g: GridRef }>('tickets');

// Each test on a database of its own (cloned from the seeded template): no test depends on another's tickets.
T.before.each(async (ctx) => {
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.duty = await ctx.s.login('duty');
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
});
T.after.each(async ({ s }) => s.close());

T('a report lands in the grid that contains its location, with its history and SLA target', async ({ s, duty, g }) => {
  const res = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'elevator' }) });
  assert.is(res.status, 201);
  assert.is(res.body.gridId, g.id);
  assert.is(res.body.status, 'reported');
  assert.is(res.body.responseTargetS, 300, 'elevator failures carry a 5-minute target');
  assert.is(res.body.urgency, 'urgent');
  assert.is(res.body.reporterPhoneMasked, '138****5678');
  assert.is(res.body.reporterPhone, undefined, 'lists never carry the full phone number');
  const detail = await s.api('GET', `/api/tickets/${res.body.id}`, { cookie: duty });
  assert.is(JSON.stringify(detail.body).includes('13812345678'), false, 'not even the detail carries the full number');
  assert.is(detail.body.mayRevealPhone, true, 'duty staff may call the reporter');
  assert.equal(detail.body.events.map((e: { action: string }) => e.action), ['report']);
  assert.is(detail.body.events[0].actorLabel, '值班员 王丽');
});

T('a retried create with the same idempotency key returns the original ticket, even when racing', async ({ s, duty, g }) => {
  const key = 'retry-key-0001';
  const first = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g), headers: { 'idempotency-key': key } });
  assert.is(first.status, 201);
  const again = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g), headers: { 'idempotency-key': key } });
  assert.is(again.status, 200);
  assert.is(again.body.id, first.body.id);
  const race = await Promise.all(Array.from({ length: 6 }, () => s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { idempotencyKey: 'race-key-0002' }) })));
  assert.is(new Set(race.map((r) => r.body.id)).size, 1);
  assert.is(race.filter((r) => r.status === 201).length, 1);
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tickets WHERE idempotency_key IN (${key}, 'race-key-0002')`;
  assert.is(n, 2);
});

T('a location outside every grid is a clear error unless duty staff pick the grid', async ({ s, duty, g }) => {
  const outside = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { lat: 39.9, lng: 116.4 }) });
  assert.is(outside.status, 400);
  assert.match(outside.body.error.message, /outside every grid/);
  const picked = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { lat: 39.9, lng: 116.4, gridId: g.id }) });
  assert.is(picked.status, 201);
  assert.is(picked.body.gridId, g.id);
});

T('the whole lifecycle: dispatch → accept → respond → resolve → close, every step stamped with who', async ({ s, duty, g }) => {
  const { username, responderId } = await responderIn(s.sql, g.id);
  const phone = await s.login(username);
  assert.is((await s.api('POST', '/api/duty', { cookie: phone, body: { onDuty: true } })).body.dutyStatus, 'available');
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const d = await s.api('POST', `/api/tickets/${t.id}/dispatch`, { cookie: duty, body: { responderId } });
  assert.is(d.status, 200);
  assert.is(d.body.status, 'dispatched');
  assert.is(d.body.offer.responderId, responderId);
  assert.is((await s.api('POST', `/api/tickets/${t.id}/accept`, { cookie: phone, body: {} })).body.status, 'accepted');
  const r = await s.api('POST', `/api/tickets/${t.id}/respond`, { cookie: phone, body: {} });
  assert.is(r.body.status, 'responded');
  assert.ok(r.body.respondedAt);
  const mine = await s.api('GET', `/api/tickets/${t.id}`, { cookie: phone });
  assert.is(mine.body.mayRevealPhone, true, 'the responder on the ticket may call the resident');
  assert.equal((await s.api('POST', `/api/tickets/${t.id}/phone`, { cookie: phone })).body, { phone: '13812345678' });
  assert.is((await s.api('POST', `/api/tickets/${t.id}/resolve`, { cookie: phone, body: { note: '已清理' } })).body.status, 'resolved');
  assert.is((await s.api('POST', `/api/tickets/${t.id}/close`, { cookie: duty, body: {} })).body.status, 'closed');
  assert.is((await s.api('POST', `/api/tickets/${t.id}/rating`, { cookie: duty, body: { rating: 5 } })).body.rating, 5);
  const h = await s.api('GET', `/api/tickets/${t.id}`, { cookie: duty });
  assert.equal(h.body.events.map((e: { action: string }) => e.action), ['report', 'dispatch', 'accept', 'respond', 'resolve', 'close', 'rate']);
  assert.is(h.body.events[4].reason, '已清理');
  assert.ok(h.body.events.every((e: { actorLabel: string; at: string }) => e.actorLabel && e.at));
  assert.is(h.body.offers[0].status, 'accepted');
  const [rs] = await s.sql<{ duty_status: string }[]>`SELECT duty_status FROM responders WHERE id = ${responderId}`;
  assert.is(rs.duty_status, 'available', 'the responder is free again');
});

T('an illegal transition is a 409 naming the current state and the allowed actions', async ({ s, duty, g }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const res = await s.api('POST', `/api/tickets/${t.id}/close`, { cookie: duty, body: {} });
  assert.is(res.status, 409);
  assert.is(res.body.error.message, 'cannot close: ticket is reported; allowed actions: dispatch, respond, escalate, reject');
});

T('declining returns the ticket to the queue; only the offered responder may answer the offer', async ({ s, duty, g }) => {
  const a = await responderIn(s.sql, g.id, 1);
  const b = await responderIn(s.sql, g.id, 2);
  const pa = await s.login(a.username), pb = await s.login(b.username);
  await s.api('POST', '/api/duty', { cookie: pa, body: { onDuty: true } });
  await s.api('POST', '/api/duty', { cookie: pb, body: { onDuty: true } });
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  await s.api('POST', `/api/tickets/${t.id}/dispatch`, { cookie: duty, body: { responderId: a.responderId } });
  const stranger = await s.api('POST', `/api/tickets/${t.id}/accept`, { cookie: pb, body: {} });
  assert.is(stranger.status, 403);
  const dec = await s.api('POST', `/api/tickets/${t.id}/decline`, { cookie: pa, body: { reason: '在另一现场' } });
  assert.is(dec.body.status, 'reported');
  assert.is(dec.body.offer, null);
});

T('two people acting on one ticket at once: exactly one wins', async ({ s, duty, g }) => {
  const leader = await s.login('leader01');
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const results = await Promise.all([
    s.api('POST', `/api/tickets/${t.id}/reject`, { cookie: duty, body: { reason: '重复上报' } }),
    s.api('POST', `/api/tickets/${t.id}/respond`, { cookie: leader, body: { note: '已电话联系' } }),
  ]);
  assert.equal(results.map((r) => r.status).sort(), [200, 409]);
  const h = await s.api('GET', `/api/tickets/${t.id}`, { cookie: duty });
  assert.is(h.body.events.length, 2, 'one transition recorded, not two');
});

T('two tickets racing for one responder: one offer, the other is refused', async ({ s, duty, g }) => {
  const r = await responderIn(s.sql, g.id, 0);
  await s.api('POST', '/api/duty', { cookie: await s.login(r.username), body: { onDuty: true } });
  const t1 = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const t2 = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body;
  const leader = await s.login('leader01');
  const results = await Promise.all([
    s.api('POST', `/api/tickets/${t1.id}/dispatch`, { cookie: duty, body: { responderId: r.responderId } }),
    s.api('POST', `/api/tickets/${t2.id}/dispatch`, { cookie: leader, body: { responderId: r.responderId } }),
  ]);
  assert.equal(results.map((x) => x.status).sort(), [200, 409]);
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM offers WHERE responder_id = ${r.responderId} AND status = 'offered'`;
  assert.is(n, 1);
});

T('escalation to a department keeps its own clock; reopen sends a closed ticket back to dispatch', async ({ s, duty, g }) => {
  const t = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'utilities' }) })).body;
  const bad = await s.api('POST', `/api/tickets/${t.id}/escalate`, { cookie: duty, body: { department: 'nasa', reason: 'x', timeLimitHours: 4 } });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.field, 'department');
  const e = await s.api('POST', `/api/tickets/${t.id}/escalate`, { cookie: duty, body: { department: 'gas', reason: '燃气泄漏需燃气公司处置', timeLimitHours: 4 } });
  assert.is(e.body.status, 'escalated');
  assert.is(Date.parse(e.body.escalationDueAt) - Date.parse(e.body.escalatedAt), 4 * 3600_000);
  assert.ok((await s.api('POST', `/api/tickets/${t.id}/department-accept`, { cookie: duty, body: {} })).body.departmentAcceptedAt);
  await s.api('POST', `/api/tickets/${t.id}/resolve`, { cookie: duty, body: { note: '燃气公司已修复' } });
  await s.api('POST', `/api/tickets/${t.id}/close`, { cookie: duty, body: {} });
  const re = await s.api('POST', `/api/tickets/${t.id}/reopen`, { cookie: duty, body: { reason: '居民反映仍有气味' } });
  assert.is(re.body.status, 'reopened');
  assert.is(re.body.reopenCount, 1);
});

T('history is append-only in the database itself', async ({ s }) => {
  try {
    await s.sql`UPDATE ticket_events SET reason = 'tampered'`;
    assert.unreachable('update should fail');
  } catch (e) {
    assert.match((e as Error).message, /append-only/);
  }
});

T('bad input: 400 with the field, unknown ids 404, oversized bodies 413, photos of the wrong type 415', async ({ s, duty, g }) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...newTicket(g), category: undefined }, 'category'],
    [{ ...newTicket(g), lat: 200 }, 'lat'],
    [{ ...newTicket(g), channel: 'fax' }, 'channel'],
    [{ ...newTicket(g), description: '' }, 'description'],
    [{ ...newTicket(g), reporterPhone: 'call me' }, 'reporterPhone'],
    [{ ...newTicket(g), surprise: 1 }, '(body)'],
    [{ ...newTicket(g), category: 'unicorns' }, 'category'],
  ];
  for (const [body, field] of cases) {
    const res = await s.api('POST', '/api/tickets', { cookie: duty, body });
    assert.is(res.status, 400, `${field} → ${JSON.stringify(res.body)}`);
    assert.is(res.body.error.field, field);
  }
  assert.is((await s.api('POST', '/api/tickets', { cookie: duty, body: '{"not json' })).status, 400);
  assert.is((await s.api('POST', '/api/tickets', { cookie: duty, body: { ...newTicket(g), description: 'x'.repeat(300_000) } })).status, 413);
  assert.is((await s.api('GET', '/api/tickets/999999', { cookie: duty })).status, 404);
  assert.is((await s.api('POST', '/api/tickets/999999/close', { cookie: duty, body: {} })).status, 404);
  assert.is((await s.api('GET', '/api/tickets/abc', { cookie: duty })).status, 400);
  assert.is((await s.api('POST', '/api/tickets/1/fly', { cookie: duty, body: {} })).status, 404);
  assert.match((await s.api('GET', '/api/tickets?status=lost', { cookie: duty })).body.error.message, /^status.*expected one of/);
  assert.is((await s.api('POST', '/api/tickets/1/dispatch', { cookie: duty, body: { responderId: 'x' } })).body.error.field, 'responderId');
  assert.is((await s.api('POST', '/api/tickets/1/resolve', { cookie: duty, body: {} })).body.error.field, 'note');
  assert.is((await s.api('POST', '/api/tickets/1/photos', { cookie: duty, body: 'hello', headers: { 'content-type': 'text/plain' } })).status, 415);
  assert.is((await s.api('POST', '/api/auth/login', { body: { username: 'duty' } })).body.error.field, 'password');
  assert.is((await s.api('GET', '/api/reports?period=custom&from=x', { cookie: duty })).body.error.field, 'from');
  assert.is((await s.api('GET', '/api/nowhere', { cookie: duty })).status, 404);
});

T('lists filter by status, grid, category and overdue', async ({ s, duty, g }) => {
  const other = await gridByCode(s.sql, '05-2');
  await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(other, { category: 'parking' }) });
  const byGrid = await s.api('GET', `/api/tickets?gridId=${other.id}`, { cookie: duty });
  assert.ok(byGrid.body.items.length >= 1 && byGrid.body.items.every((t: { gridId: string }) => t.gridId === other.id));
  const byCat = await s.api('GET', '/api/tickets?category=parking&status=reported', { cookie: duty });
  assert.ok(byCat.body.items.every((t: { category: string; status: string }) => t.category === 'parking' && t.status === 'reported'));
  await s.sql`UPDATE tickets SET reported_at = now() - interval '1 hour' WHERE id = (SELECT max(id) FROM tickets)`;
  const overdue = await s.api('GET', '/api/tickets?overdue=true', { cookie: duty });
  assert.ok(overdue.body.items.some((t: { gridId: string }) => t.gridId === other.id));
  const page = await s.api('GET', '/api/tickets?limit=2', { cookie: duty });
  assert.is(page.body.items.length, 2);
  assert.ok(page.body.nextBefore);
});

T.run();
