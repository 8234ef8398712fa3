// Dispatch over REST and sockets on a real server: duplicates, link instead, racing offers, cascades, auto-dispatch, scope.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn, type GridRef } from './helpers/fixtures.ts';
import { collect, offset, onDutyAt, until } from './helpers/dispatch.ts';
import { decodeSnapshot } from '../shared/snapshot-codec.ts';
import { autoDispatchShortlist, candidatesFor, NEAR_DEG } from '../server/dispatch/candidates.ts';

interface Ctx { s: TestServer; duty: string; leader: string; g: GridRef; other: GridRef }
const D = suite<Ctx>('dispatch');

D.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.duty = await ctx.s.login('duty');
  ctx.leader = await ctx.s.login('leader01');
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.other = await gridByCode(ctx.s.sql, '07-3');
});
D.after(async ({ s }) => s.close());

/** Everyone back off duty and no open work, so each test starts from a quiet street office. */
D.before.each(async ({ s }) => {
  await s.sql`UPDATE offers SET status = 'withdrawn', answered_at = now() WHERE status = 'offered'`;
  await s.sql`UPDATE tickets SET status = 'closed', closed_at = now() WHERE status NOT IN ('closed', 'rejected')`;
  await s.sql`UPDATE responders SET duty_status = 'off_duty'`;
  await s.sql`UPDATE grids SET auto_dispatch = true`;
});

const create = async (s: TestServer, cookie: string, body: Record<string, unknown>) => {
  const res = await s.api('POST', '/api/tickets', { cookie, body });
  assert.is(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; status: string };
};
const detail = async (s: TestServer, cookie: string, id: string) => (await s.api('GET', `/api/tickets/${id}`, { cookie })).body;

D('possible duplicates: same category, within the radius, still live, in scope, nearest first', async ({ s, duty, g, other }) => {
  await noAutoDispatch(s.sql);
  const near = await create(s, duty, newTicket(g, { ...offset(g, 60) }));
  const nearer = await create(s, duty, newTicket(g, { ...offset(g, 20) }));
  await create(s, duty, newTicket(g, { ...offset(g, 60), category: 'parking' }));
  await create(s, duty, newTicket(g, { ...offset(g, 900), gridId: g.id }));
  const closed = await create(s, duty, newTicket(g, { ...offset(g, 10) }));
  await s.sql`UPDATE tickets SET status = 'closed' WHERE id = ${closed.id}`;
  const q = `/api/dispatch/duplicates?category=clutter&lat=${g.lat}&lng=${g.lng}`;
  const res = await s.api('GET', q, { cookie: duty });
  assert.is(res.status, 200);
  assert.equal(res.body.map((d: { ticket: { id: string } }) => d.ticket.id), [nearer.id, near.id]);
  assert.ok(res.body[0].distanceM >= 15 && res.body[0].distanceM <= 25, `distance ${res.body[0].distanceM}`);
  assert.is(res.body[0].ticket.reporterPhoneMasked, '138****5678', 'the list never carries the full number');
  assert.is((await s.api('GET', `${q}&excludeId=${nearer.id}`, { cookie: duty })).body.length, 1);
  // Another community's leader sees nothing of grid 01-1; a responder may not ask at all.
  assert.equal((await s.api('GET', q, { cookie: await s.login('leader07') })).body, []);
  assert.is((await s.api('GET', q, { cookie: await s.login('r001') })).status, 403);
  assert.is((await s.api('GET', `/api/dispatch/duplicates?category=clutter&lat=x&lng=${other.lng}`, { cookie: duty })).status, 400);
});

D('link instead: the call is recorded as a rejected duplicate in one step, never dispatched, idempotent', async ({ s, duty, g }) => {
  const r = await onDutyAt(s, (await responderIn(s.sql, g.id)).username, offset(g, 30));
  const wall = s.socket({ displayToken: s.displayToken });
  const seen = collect(wall);
  await waitFor(wall, 'live:snapshot');
  const orig = await create(s, duty, newTicket(g));
  await until(async () => (await detail(s, duty, orig.id)).offer, 3000, 'auto-dispatch of the original');
  const body = { ...newTicket(g, offset(g, 40)), reporterName: '李四', reporterPhone: '13900001111', channel: 'suggestion_box', duplicateOf: orig.id };
  const key = 'link-key-0001';
  const res = await s.api('POST', '/api/dispatch/link-report', { cookie: duty, body, headers: { 'idempotency-key': key } });
  assert.is(res.status, 201, JSON.stringify(res.body));
  const rec = res.body.record;
  assert.is(rec.status, 'rejected');
  assert.is(rec.duplicateOf, orig.id);
  assert.is(rec.offer, null);
  assert.is(res.body.original.id, orig.id);
  const again = await s.api('POST', '/api/dispatch/link-report', { cookie: duty, body, headers: { 'idempotency-key': key } });
  assert.is(again.status, 200);
  assert.is(again.body.record.id, rec.id);
  const h = await detail(s, duty, rec.id);
  assert.equal(h.events.map((e: { action: string }) => e.action), ['report', 'reject']);
  assert.equal((await s.api('POST', `/api/tickets/${rec.id}/phone`, { cookie: duty })).body, { phone: '13900001111' }, 'the second caller can be called back');
  assert.is(h.offers.length, 0);
  const linked = await s.api('GET', `/api/dispatch/tickets/${orig.id}/linked`, { cookie: duty });
  assert.equal(linked.body.map((t: { id: string }) => t.id), [rec.id]);
  await until(() => seen.some((c) => c.kind === 'ticket' && c.ticket.id === rec.id), 3000, 'the record on the stream');
  assert.ok(seen.filter((c) => c.kind === 'ticket' && c.ticket.id === rec.id).every((c) => c.kind === 'ticket' && c.ticket.status === 'rejected'), 'the wall never sees it as open work');
  await new Promise((res) => setTimeout(res, 300));
  assert.not.ok(r.changes.some((c) => c.kind === 'offer' && c.offer.ticketId === rec.id), 'no phone is buzzed for it');
  const leader7 = await s.api('POST', '/api/dispatch/link-report', { cookie: await s.login('leader07'), body: { ...body, idempotencyKey: undefined } });
  assert.is(leader7.status, 403, 'a leader cannot link to another grid\'s ticket');
});

D('racing offers: one ticket to two responders, or one responder to two tickets — one wins, the other hears 409', async ({ s, duty, leader, g }) => {
  await noAutoDispatch(s.sql);
  const a = await onDutyAt(s, (await responderIn(s.sql, g.id, 0)).username, offset(g, 50));
  const b = await onDutyAt(s, (await responderIn(s.sql, g.id, 1)).username, offset(g, 80));
  const t1 = await create(s, duty, newTicket(g));
  const race = await Promise.all([
    s.api('POST', `/api/dispatch/tickets/${t1.id}/offer`, { cookie: duty, body: { responderId: a.responderId, expectOfferId: null } }),
    s.api('POST', `/api/dispatch/tickets/${t1.id}/offer`, { cookie: leader, body: { responderId: b.responderId, expectOfferId: null } }),
  ]);
  assert.equal(race.map((r) => r.status).sort(), [200, 409]);
  assert.match(race.find((r) => r.status === 409)!.body.error.message, /just offered to/);
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM offers WHERE ticket_id = ${t1.id}`;
  assert.is(n, 1, 'the loser did not withdraw the winner\'s offer');
  // Re-offering on purpose names the offer being replaced; a double click is harmless.
  const winner = race.find((r) => r.status === 200)!.body;
  const loser = winner.offer.responderId === a.responderId ? b : a;
  const again = await s.api('POST', `/api/dispatch/tickets/${t1.id}/offer`, { cookie: duty, body: { responderId: winner.offer.responderId, expectOfferId: null } });
  assert.is(again.status, 200);
  const re = await s.api('POST', `/api/dispatch/tickets/${t1.id}/offer`, { cookie: leader, body: { responderId: loser.responderId, expectOfferId: winner.offer.id } });
  assert.is(re.status, 200);
  assert.is(re.body.offer.responderId, loser.responderId);

  // Now the free responder (the first winner) is raced for by two tickets.
  const free = loser === a ? b : a;
  const [t2, t3] = [await create(s, duty, newTicket(g)), await create(s, duty, newTicket(g))];
  const race2 = await Promise.all([
    s.api('POST', `/api/tickets/${t2.id}/dispatch`, { cookie: duty, body: { responderId: free.responderId } }),
    s.api('POST', `/api/dispatch/tickets/${t3.id}/offer`, { cookie: leader, body: { responderId: free.responderId, expectOfferId: null } }),
  ]);
  assert.equal(race2.map((r) => r.status).sort(), [200, 409]);
  const [{ open }] = await s.sql<{ open: number }[]>`SELECT count(*)::int AS open FROM offers WHERE responder_id = ${free.responderId} AND status = 'offered'`;
  assert.is(open, 1);
});

D('decline and timeout cascade to the next candidate, live on the leader\'s console; nobody left alerts the leader', async ({ s, duty, leader, g }) => {
  const a = await onDutyAt(s, (await responderIn(s.sql, g.id, 0)).username, offset(g, 40));
  const b = await onDutyAt(s, (await responderIn(s.sql, g.id, 1)).username, offset(g, 400));
  const console_ = s.socket({ cookie: leader });
  const seen = collect(console_);
  await waitFor(console_, 'live:snapshot');
  const t = await create(s, duty, newTicket(g));
  const first = await until(async () => (await detail(s, leader, t.id)).offer, 3000, 'auto offer');
  assert.is(first.responderId, a.responderId, 'the nearest available responder is offered first');
  const dec = await s.api('POST', `/api/tickets/${t.id}/decline`, { cookie: a.cookie, body: { reason: '正在处理另一件事' } });
  assert.is(dec.status, 200);
  const second = await until(async () => (await detail(s, leader, t.id)).offer, 3000, 'offer to the next');
  assert.is(second.responderId, b.responderId);
  // Time travel instead of waiting two minutes: the offer is due, the job expires it.
  await s.sql`UPDATE offers SET expires_at = now() WHERE ticket_id = ${t.id} AND status = 'offered'`;
  const alerted = await until(async () => {
    const d = await detail(s, leader, t.id);
    return d.events.some((e: { action: string }) => e.action === 'alert') ? d : null;
  }, 5000, 'the alert');
  assert.is(alerted.status, 'reported');
  assert.equal(alerted.offers.map((o: { responderId: string; status: string }) => [o.responderId, o.status]), [[a.responderId, 'declined'], [b.responderId, 'expired']]);
  assert.equal(alerted.events.map((e: { action: string }) => e.action), ['report', 'dispatch', 'decline', 'dispatch', 'expire', 'alert']);
  await until(() => seen.some((c) => c.kind === 'ticket' && c.event?.action === 'alert'), 3000, 'the alert on the console');
  const offerStates = seen.filter((c) => c.kind === 'offer' && c.offer.ticketId === t.id).map((c) => c.kind === 'offer' && `${c.offer.responderId}:${c.offer.status}`);
  assert.equal(offerStates, [`${a.responderId}:offered`, `${a.responderId}:declined`, `${b.responderId}:offered`, `${b.responderId}:expired`]);
  // Each phone heard only of its own offers.
  for (const r of [a, b]) assert.ok(r.changes.filter((c) => c.kind === 'offer').every((c) => c.kind === 'offer' && c.offer.responderId === r.responderId), r.username);
});

D('a real offer timeout (short OFFER_TIMEOUT) passes the ticket on without anyone touching it', async () => {
  const s = await startTestServer({ config: { offerTimeoutS: 2 } });
  try {
    const g = await gridByCode(s.sql, '01-1');
    const duty = await s.login('duty');
    const a = await onDutyAt(s, (await responderIn(s.sql, g.id, 0)).username, offset(g, 40));
    const b = await onDutyAt(s, (await responderIn(s.sql, g.id, 1)).username, offset(g, 300));
    const t = await create(s, duty, newTicket(g));
    const o = await until(async () => (await detail(s, duty, t.id)).offer, 3000, 'first offer');
    assert.is(o.responderId, a.responderId);
    assert.ok(Date.parse(o.expiresAt) - Date.parse(o.offeredAt) === 2000, 'the configured timeout is used');
    const next = await until(async () => { const d = await detail(s, duty, t.id); return d.offer?.responderId === b.responderId ? d : null; }, 6000, 'expiry cascade');
    assert.is(next.offers[0].status, 'expired');
  } finally {
    await s.close();
  }
});

D('auto-dispatch without a leader: a report is offered at once and the responder takes it', async ({ s, g }) => {
  const a = await onDutyAt(s, (await responderIn(s.sql, g.id, 0)).username, offset(g, 40));
  // A part-time worker on their round reports it; no office user is involved.
  const reporter = await onDutyAt(s, (await responderIn(s.sql, g.id, 1)).username, offset(g, 2000));
  const t = await create(s, reporter.cookie, newTicket(g, { channel: 'part_time' }));
  const offer = await until(() => a.changes.find((c) => c.kind === 'offer' && c.offer.ticketId === t.id), 3000, 'the offer on the phone');
  assert.ok(offer.kind === 'offer' && offer.offer.responderId === a.responderId);
  assert.is((await s.api('POST', `/api/tickets/${t.id}/accept`, { cookie: a.cookie, body: {} })).body.status, 'accepted');
});

D('auto-dispatch\'s lean shortlist is the console\'s ranking (near, not passed on, available), in the same order', async ({ s, duty, g }) => {
  await noAutoDispatch(s.sql);
  const responders = (await s.sql<{ id: string }[]>`SELECT r.id FROM responders r JOIN grids gr ON gr.street_office_id = r.street_office_id WHERE gr.id = ${g.id} ORDER BY r.id`).map((r) => r.id);
  assert.ok(responders.length >= 20, `${responders.length} responders`);
  // A fixed pseudo-random street office: mixed duty, skills, positions (near, far, none) and responders who passed.
  let x = 7;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const t = await create(s, duty, newTicket(g, { category: 'wires' }));
  for (const id of responders) {
    await s.sql`UPDATE responders SET duty_status = ${pick(['available', 'available', 'available', 'en_route', 'on_site', 'off_duty'])},
      skills = ${pick([['general'], ['general', 'plumbing_electric'], ['property']])} WHERE id = ${id}`;
    const where = pick(['near', 'near', 'far', 'none']);
    if (where === 'none') await s.sql`DELETE FROM latest_positions WHERE responder_id = ${id}`;
    else {
      const d = where === 'near' ? (rnd() - 0.5) * 0.05 : 0.2;
      await s.sql`INSERT INTO latest_positions (responder_id, at, lat, lng, accuracy) VALUES (${id}, now(), ${g.lat + d}, ${g.lng + d / 2}, 10)
        ON CONFLICT (responder_id) DO UPDATE SET lat = EXCLUDED.lat, lng = EXCLUDED.lng, at = now()`;
    }
    if (rnd() < 0.15) await s.sql`INSERT INTO offers (ticket_id, responder_id, status, expires_at, answered_at) VALUES (${t.id}, ${id}, ${pick(['declined', 'expired'])}, now(), now())`;
  }
  const expected = (await candidatesFor(s.sql, t.id, null, true, true)).filter((c) => c.responder.dutyStatus === 'available').map((c) => c.responder.id);
  assert.ok(expected.length >= 5, `${expected.length} available near candidates`);
  assert.equal(await autoDispatchShortlist(s.sql, t.id, 1000), expected);
  assert.equal(await autoDispatchShortlist(s.sql, t.id, 5), expected.slice(0, 5));
  // "Near" itself, worked out here from the rows just written: the latest position within the box around the ticket,
  // or the ticket's grid among the home grids (who is far or has no position at all but lives in the grid counts).
  const [tk] = await s.sql<{ lat: number; lng: number }[]>`SELECT lat, lng FROM tickets WHERE id = ${t.id}`;
  const rows = await s.sql<{ id: string; lat: number | null; lng: number | null; home: boolean }[]>`
    SELECT r.id, lp.lat, lp.lng, EXISTS (SELECT 1 FROM responder_grids h WHERE h.responder_id = r.id AND h.grid_id = ${g.id}) AS home
    FROM responders r LEFT JOIN latest_positions lp ON lp.responder_id = r.id
    WHERE r.id = ANY(${responders}::bigint[]) AND r.duty_status = 'available'
      AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.ticket_id = ${t.id} AND o.responder_id = r.id AND o.status IN ('declined', 'expired'))`;
  const inBox = (r: { lat: number | null; lng: number | null }) => r.lat != null && r.lng != null && Math.abs(r.lat - tk.lat) <= NEAR_DEG && Math.abs(r.lng - tk.lng) <= NEAR_DEG;
  const near = rows.filter((r) => inBox(r) || r.home).map((r) => r.id).sort();
  assert.ok(rows.some((r) => r.home && !inBox(r)), 'a home-grid responder outside the box is in the data');
  assert.ok(rows.some((r) => !r.home && !inBox(r)), 'a responder neither near nor at home is in the data');
  assert.equal([...expected].sort(), near);
});

D('scope: a leader cannot see or offer another grid\'s responders; a responder sees only their own offers', async ({ s, duty, leader, g, other }) => {
  await noAutoDispatch(s.sql);
  const mine = await onDutyAt(s, (await responderIn(s.sql, g.id)).username, offset(g, 40));
  const theirs = await onDutyAt(s, (await responderIn(s.sql, other.id)).username, offset(other, 40));
  const t = await create(s, duty, newTicket(g));
  const listed = (await s.api('GET', '/api/responders', { cookie: leader })).body.map((r: { id: string }) => r.id);
  assert.ok(listed.includes(mine.responderId));
  assert.not.ok(listed.includes(theirs.responderId));
  const cands = (await s.api('GET', `/api/tickets/${t.id}/candidates`, { cookie: leader })).body.map((c: { responder: { id: string } }) => c.responder.id);
  assert.not.ok(cands.includes(theirs.responderId));
  const res = await s.api('POST', `/api/dispatch/tickets/${t.id}/offer`, { cookie: leader, body: { responderId: theirs.responderId, expectOfferId: null } });
  assert.is(res.status, 403);
  const t7 = await create(s, duty, newTicket(other));
  assert.is((await s.api('POST', `/api/dispatch/tickets/${t7.id}/offer`, { cookie: leader, body: { responderId: mine.responderId, expectOfferId: null } })).status, 403);
  // Duty staff may send anyone; the other responder's phone hears nothing of it.
  assert.is((await s.api('POST', `/api/dispatch/tickets/${t.id}/offer`, { cookie: duty, body: { responderId: mine.responderId, expectOfferId: null } })).status, 200);
  await until(() => mine.changes.some((c) => c.kind === 'offer' && c.offer.ticketId === t.id), 3000, 'own offer');
  await new Promise((r) => setTimeout(r, 300));
  assert.not.ok(theirs.changes.some((c) => (c.kind === 'offer' && c.offer.ticketId === t.id) || (c.kind === 'ticket' && c.ticket.id === t.id)));
  const snap = await theirs.sock.timeout(3000).emitWithAck('live:resync');
  assert.ok(snap.ok && snap.data.offers.every((o: { responderId: string }) => o.responderId === theirs.responderId) && decodeSnapshot(snap.data).tickets.length === 0);
});

D.run();
