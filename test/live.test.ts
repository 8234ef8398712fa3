// The live backbone over real sockets: handshake, snapshot + ordered deltas, scopes, positions, SLA clock, bad input.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as ioClient } from 'socket.io-client';
import type { DeltaBatch, PositionTuple } from '../shared/events.ts';
import { decodePositions } from '../shared/positions.ts';
import { decodeSnapshot, type PackedSnapshot } from '../shared/snapshot-codec.ts';
import { startTestServer, waitFor, waitForPosition, type LiveClient, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn, type GridRef } from './helpers/fixtures.ts';

const L = suite<{ s: TestServer; duty: string; g: GridRef; far: GridRef }>('live');

L.before(async (ctx) => {
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  ctx.duty = await ctx.s.login('duty');
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
  ctx.far = await gridByCode(ctx.s.sql, '09-4');
});
L.after(async ({ s }) => s.close());

const connectError = (sock: LiveClient) => new Promise<string>((r) => sock.on('connect_error', (e) => r(e.message)));
const deltaWith = (sock: LiveClient, ticketId: string, ms = 1000) =>
  waitFor<DeltaBatch>(sock, 'live:delta', (d) => d.changes.some((c) => c.kind === 'ticket' && c.ticket.id === ticketId), ms);

L('a socket without a session or display token is refused in the handshake', async ({ s }) => {
  assert.match(await connectError(s.socket({})), /unauthorized/);
  assert.match(await connectError(s.socket({ displayToken: 'forged' })), /unauthorized/);
});

L('a cross-site page cannot open a socket with the user\'s cookie (Origin checked)', async ({ s, duty }) => {
  const evil = ioClient(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: duty, origin: 'http://evil.example' } });
  const err = await new Promise<string>((r) => evil.on('connect_error', (e) => r(e.message)));
  evil.close();
  assert.ok(err.length > 0);
  const same = ioClient(s.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: duty, origin: s.url } });
  await waitFor(same as LiveClient, 'live:snapshot');
  same.close();
});

L('on connect the wall gets a snapshot of its street office; a new ticket follows as a delta', async ({ s, duty, g }) => {
  const wall = s.socket({ displayToken: s.displayToken });
  const snap = decodeSnapshot(await waitFor<PackedSnapshot>(wall, 'live:snapshot'));
  assert.is(snap.grids.length, 72);
  assert.is(snap.communities.length, 12);
  assert.ok(snap.categories.some((c) => c.code === 'elevator' && c.responseTargetMin === 5));
  assert.is(snap.scope.kind, 'street_office');
  assert.ok(Math.abs(Date.parse(snap.serverTime) - Date.now()) < 5000);
  const pending = waitFor<DeltaBatch>(wall, 'live:delta', (d) => d.changes.some((c) => c.kind === 'ticket'), 10_000);
  const created = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) });
  const d = await pending;
  const change = d.changes.find((c) => c.kind === 'ticket')!;
  assert.is(change.kind === 'ticket' && change.ticket.id, created.body.id);
  assert.is(change.kind === 'ticket' && change.event?.action, 'report');
  assert.ok(BigInt(d.prev) <= BigInt(snap.seq), 'the first delta continues from the snapshot');
  assert.ok(BigInt(d.seq) > BigInt(snap.seq));
});

L('deltas chain: each batch names the previous one, so a client can see a gap', async ({ s, duty, g }) => {
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');
  const batches: DeltaBatch[] = [];
  wall.on('live:delta', (d) => batches.push(d));
  for (let i = 0; i < 3; i++) await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) });
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(batches.length >= 1);
  for (let i = 1; i < batches.length; i++) assert.is(batches[i].prev, batches[i - 1].seq);
  const ids = batches.flatMap((b) => b.changes.map((c) => c.seq));
  assert.equal(ids, [...ids].sort((a, b) => Number(a) - Number(b)), 'in stream order');
  const fresh = await wall.timeout(2000).emitWithAck('live:resync');
  assert.ok(fresh.ok && BigInt(fresh.data.seq) >= BigInt(batches[batches.length - 1].seq));
});

L('a grid leader\'s socket receives its grids\' tickets and not the others\'', async ({ s, duty, g, far }) => {
  const leader = s.socket({ cookie: await s.login('leader01') });
  const snap = decodeSnapshot(await waitFor<PackedSnapshot>(leader, 'live:snapshot'));
  assert.is(snap.scope.kind, 'grids');
  assert.ok(snap.tickets.every((t) => snap.scope.kind === 'grids' && snap.scope.gridIds.includes(t.gridId)));
  const seen: string[] = [];
  leader.on('live:delta', (d) => d.changes.forEach((c) => c.kind === 'ticket' && seen.push(c.ticket.id)));
  const other = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(far) });
  const mine = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) });
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(seen.includes(mine.body.id));
  assert.not.ok(seen.includes(other.body.id));
});

L('a grid leader\'s socket gets the positions of its grids\' responders and not of another grid\'s; the office wall gets both', async ({ s, g, far }) => {
  const leader = s.socket({ cookie: await s.login('leader01') });
  const wall = s.socket({ displayToken: s.displayToken });
  await Promise.all([waitFor(leader, 'live:snapshot'), waitFor(wall, 'live:snapshot')]);
  const near = await responderIn(s.sql, g.id, 3), away = await responderIn(s.sql, far.id, 0);
  const theirs: string[] = [];
  leader.on('positions:batch', (b) => { for (const p of decodePositions(b)) theirs.push(p[0]); });
  for (const [r, grid] of [[near, g], [away, far]] as const) {
    const phone = s.socket({ cookie: await s.login(r.username) });
    await waitFor(phone, 'live:snapshot');
    await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
    const seenOnWall = waitForPosition(wall, r.responderId);
    const ack = await phone.timeout(2000).emitWithAck('location:report', { lat: grid.lat, lng: grid.lng, accuracy: 8, at: new Date().toISOString() });
    assert.equal(ack, { ok: true, data: { accepted: true } });
    await seenOnWall;
  }
  await new Promise((w) => setTimeout(w, 300));
  assert.ok(theirs.includes(near.responderId), 'the leader sees a responder of their grid');
  assert.not.ok(theirs.includes(away.responderId), 'and not one of another grid');
});

L('a responder\'s phone receives its own offer live, and positions are stored, acknowledged and broadcast', async ({ s, duty, g }) => {
  const r = await responderIn(s.sql, g.id);
  const phoneCookie = await s.login(r.username);
  const phone = s.socket({ cookie: phoneCookie });
  await waitFor(phone, 'live:snapshot');
  const off = await phone.timeout(2000).emitWithAck('location:report', { lat: g.lat, lng: g.lng, accuracy: 10, at: new Date().toISOString() });
  assert.equal(off, { ok: false, error: { code: 'forbidden', message: 'positions are only accepted while on duty' } });
  const on = await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  assert.ok(on.ok && on.data.dutyStatus === 'available');

  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');
  const moved = waitForPosition(wall, r.responderId, 1500);
  const at = new Date();
  const ack = await phone.timeout(2000).emitWithAck('location:report', { lat: g.lat + 0.0001, lng: g.lng, accuracy: 12, at: at.toISOString() });
  assert.equal(ack, { ok: true, data: { accepted: true } });
  const stored = await s.sql<{ lat: number }[]>`SELECT lat FROM positions WHERE responder_id = ${r.responderId}`;
  assert.is(stored.length, 1, 'acknowledged means stored');
  const [latest] = await s.sql<{ lat: number }[]>`SELECT lat FROM latest_positions WHERE responder_id = ${r.responderId}`;
  assert.ok(Math.abs(latest.lat - (g.lat + 0.0001)) < 1e-9);
  const [, bLat, bLng, bAt] = await moved;
  assert.ok(Math.abs(bLat - (g.lat + 0.0001)) < 1e-6 && Math.abs(bLng - g.lng) < 1e-6, 'the broadcast carries the reported position');
  assert.is(bAt, at.getTime(), 'and the time it was taken');

  const offer = waitFor<DeltaBatch>(phone, 'live:delta', (d) => d.changes.some((c) => c.kind === 'offer'), 1500);
  const t = await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) });
  await s.api('POST', `/api/tickets/${t.body.id}/dispatch`, { cookie: duty, body: { responderId: r.responderId } });
  const o = (await offer).changes.find((c) => c.kind === 'offer')!;
  assert.is(o.kind === 'offer' && o.offer.ticketId, t.body.id);

  const offDuty = await phone.timeout(2000).emitWithAck('duty:set', { onDuty: false });
  assert.is(!offDuty.ok && offDuty.error.code, 'conflict', 'not while holding an offer');
});

L('a commit slower than the flush cadence: every point reported meanwhile is stored, then acked, then on the wall', async ({ s, g }) => {
  const r = await responderIn(s.sql, g.id, 2);
  const phone = s.socket({ cookie: await s.login(r.username) });
  await waitFor(phone, 'live:snapshot');
  await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');
  const seen: PositionTuple[] = [];
  wall.on('positions:batch', (packed) => { seen.push(...decodePositions(packed).filter((p) => p[0] === r.responderId)); });
  // Another session holds the latest-position table for 400 ms: the flush in progress waits that long (4 beats).
  let released = 0;
  const locked = new Promise<void>((held) => {
    void s.sql.begin(async (tx) => {
      await tx`LOCK TABLE latest_positions IN EXCLUSIVE MODE`;
      held();
      await new Promise((w) => setTimeout(w, 400));
      released = Date.now();
    });
  });
  await locked;
  const acks: Array<Promise<{ ack: unknown; at: number }>> = [];
  const lastAt = new Date(Date.now() + 300);
  for (let i = 0; i < 3; i++) {
    const at = i === 2 ? lastAt : new Date();
    acks.push(phone.timeout(3000).emitWithAck('location:report', { lat: g.lat + i * 1e-4, lng: g.lng, accuracy: 10, at: at.toISOString() }).then((ack) => ({ ack, at: Date.now() })));
    await new Promise((w) => setTimeout(w, 150));
  }
  for (const { ack, at } of await Promise.all(acks)) {
    assert.equal(ack, { ok: true, data: { accepted: true } });
    assert.ok(released > 0 && at >= released, 'no ack before the write it confirms committed');
  }
  const rows = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM positions WHERE responder_id = ${r.responderId}`;
  assert.is(rows[0].n, 3, 'every acknowledged point is stored');
  for (let i = 0; i < 60 && seen.at(-1)?.[3] !== lastAt.getTime(); i++) await new Promise((w) => setTimeout(w, 50));
  assert.ok(seen.length >= 1);
  assert.is(seen.at(-1)![3], lastAt.getTime(), 'the wall ends on the newest point');
  assert.ok(Math.abs(seen.at(-1)![1] - (g.lat + 2e-4)) < 1e-6);
});

L('bad position reports get a clear error in the ack', async ({ s, g }) => {
  const r = await responderIn(s.sql, g.id, 1);
  const phone = s.socket({ cookie: await s.login(r.username) });
  await waitFor(phone, 'live:snapshot');
  await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  const send = (p: unknown) => phone.timeout(2000).emitWithAck('location:report', p as never);
  const wild = await send({ lat: 999, lng: g.lng, accuracy: 5, at: new Date().toISOString() });
  assert.is(!wild.ok && wild.error.field, 'lat');
  const stale = await send({ lat: g.lat, lng: g.lng, accuracy: 5, at: new Date(Date.now() - 3600_000).toISOString() });
  assert.match(!stale.ok ? stale.error.message : '', /older than/);
  const future = await send({ lat: g.lat, lng: g.lng, accuracy: 5, at: new Date(Date.now() + 3600_000).toISOString() });
  assert.match(!future.ok ? future.error.message : '', /future/);
  const junk = await send('garbage');
  assert.is(!junk.ok && junk.error.code, 'bad_request');
});

L('SLA states change by time alone: warning and breached arrive without anyone asking', async ({ s, duty, g }) => {
  await s.sql`UPDATE categories SET response_target_s = 2 WHERE code = 'pets'`;
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');
  const states: string[] = [];
  wall.on('live:delta', (d) => d.changes.forEach((c) => c.kind === 'sla' && states.push(c.state)));
  await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g, { category: 'pets' }) });
  // Warning at 1.6 s, breached after 2 s; the clock job runs every second (allow for a loaded machine).
  for (let i = 0; i < 80 && states.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(states, ['warning', 'breached']);
});

L('unknown events, missing acks, floods and oversized payloads get errors or a disconnect, never a crash', async ({ s }) => {
  const noisy = s.socket({ displayToken: s.displayToken });
  await waitFor(noisy, 'live:snapshot');
  const unknown = await (noisy as unknown as { timeout(ms: number): { emitWithAck(e: string): Promise<{ ok: boolean; error: { message: string } }> } }).timeout(2000).emitWithAck('tickets:steal');
  assert.match(unknown.error.message, /unknown event/);
  (noisy as unknown as { emit(e: string, p: unknown): void }).emit('time:ping', 'no ack');
  const results = await Promise.all(Array.from({ length: 120 }, () => noisy.timeout(3000).emitWithAck('time:ping').catch(() => null)));
  assert.ok(results.some((r) => r && !r.ok && r.error.code === 'rate_limited'), 'a burst beyond the limit is refused');
  // Meanwhile another client is served at once.
  const calm = s.socket({ displayToken: s.displayToken });
  await waitFor(calm, 'live:snapshot');
  const t0 = Date.now();
  const pong = await calm.timeout(2000).emitWithAck('time:ping');
  assert.ok(pong.ok && Date.now() - t0 < 500);

  const big = s.socket({ displayToken: s.displayToken });
  await waitFor(big, 'live:snapshot');
  const cut = new Promise<string>((r) => big.on('disconnect', (reason) => r(reason)));
  (big as unknown as { emit(e: string, p: unknown): void }).emit('location:report', { junk: 'x'.repeat(200_000) });
  assert.is(await cut, 'transport close');
  assert.is((await s.api('GET', '/healthz')).status, 200, 'still alive');
});

L('screens connecting together share one snapshot, each with who it is: duty staff, a manager, a wall link', async ({ s }) => {
  const [duty, manager] = await Promise.all([s.login('duty'), s.login('manager')]);
  const socks = [s.socket({ cookie: duty }), s.socket({ cookie: manager }), s.socket({ displayToken: s.displayToken }), s.socket({ displayToken: s.displayToken })];
  const snaps = (await Promise.all(socks.map((k) => waitFor<PackedSnapshot>(k, 'live:snapshot')))).map(decodeSnapshot);
  assert.equal(snaps.map((x) => x.me?.username ?? null), ['duty', 'manager', null, null]);
  assert.ok(snaps.every((x) => x.seq === snaps[0].seq && x.tickets.length === snaps[0].tickets.length), 'the same read');
  for (const k of socks) k.close();
});

L.run();
