// Hostile and buggy socket clients: every malformed message is answered with an error ack (or dropped when it has no
// ack) and the process never sees an exception; connections are capped; sockets end with their credential.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, waitFor, type LiveClient, type TestServer } from './helpers/server.ts';
import { responderUser } from './helpers/fixtures.ts';
import { backlog, BACKLOG_SWEEP_MS, DISCONNECT_BYTES } from '../server/live/backpressure.ts';
import { eventBoundary, STRIKES } from '../server/live/boundary.ts';
import { CLIENT_EVENTS } from '../shared/events.ts';
import pino from 'pino';

const H = suite<{ s: TestServer; crashes: unknown[]; onCrash: (e: unknown) => void }>('hostile sockets');

type Raw = { timeout(ms: number): { emitWithAck(e: string, ...args: unknown[]): Promise<any> }; emit(e: string, ...args: unknown[]): void };
const raw = (s: LiveClient) => s as unknown as Raw;

H.before(async (ctx) => {
  ctx.crashes = [];
  ctx.onCrash = (e) => ctx.crashes.push(e);
  process.on('uncaughtException', ctx.onCrash);
  process.on('unhandledRejection', ctx.onCrash);
  ctx.s = await startTestServer({ config: { maxSocketsPerUser: 3, maxSocketsPerDisplay: 10 } });
});
H.after(async ({ s, onCrash }) => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await s.close();
});
H.after.each(({ crashes }) => { assert.equal(crashes, [], 'no client message reached the process as an exception'); });

async function connected(s: TestServer, auth: { cookie?: string; displayToken?: string }): Promise<LiveClient> {
  const c = s.socket(auth);
  await waitFor(c, 'live:snapshot', () => true, 5000);
  return c;
}

H('a display socket sending an extra argument, or its ack first, gets an error ack and the server lives', async ({ s }) => {
  const wall = raw(await connected(s, { displayToken: s.displayToken }));
  for (const event of ['time:ping', 'live:resync']) {
    const res = await wall.timeout(2000).emitWithAck(event, 1);
    assert.is(res.ok, false, event);
    assert.is(res.error.code, 'bad_request');
    assert.match(res.error.message, /argument/);
  }
  // Ack not last: the function is the first argument, a number the last. Nothing to answer; the socket stays usable.
  wall.emit('time:ping', () => { throw new Error('never called'); }, 1);
  const pong = await wall.timeout(2000).emitWithAck('time:ping');
  assert.is(pong.ok, true);
  assert.is((await s.api('GET', '/healthz')).status, 200);
});

H('a display socket may not send responders\' events; payloads of the wrong shape are refused by name', async ({ s }) => {
  const wall = raw(await connected(s, { displayToken: s.displayToken }));
  const duty = await wall.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  assert.is(duty.error.code, 'forbidden');
  const phone = raw(await connected(s, { cookie: await s.login('r010') }));
  for (const bad of [null, 7, 'x', [], { onDuty: 'yes' }, { onDuty: true, extra: 1 }, new Uint8Array([1, 2, 3])]) {
    const res = await phone.timeout(2000).emitWithAck('duty:set', bad);
    assert.is(res.ok, false, JSON.stringify(bad));
    assert.is(res.error.code, 'bad_request');
  }
  const missing = await phone.timeout(2000).emitWithAck('duty:set');
  assert.match(missing.error.message, /payload and an acknowledgement/);
});

H('a responder\'s position with a bad ack or extra arguments cannot break the flush loop; later points are stored and acked', async ({ s }) => {
  const cookie = await s.login('r011');
  await s.api('POST', '/api/duty', { cookie, body: { onDuty: true } });
  const { responderId } = await responderUser(s.sql, 'r011');
  const phone = raw(await connected(s, { cookie }));
  const point = (lat: number) => ({ lat, lng: 116.84, accuracy: 10, at: new Date().toISOString() });
  phone.emit('location:report', point(38.3), 'not-a-function');
  phone.emit('location:report', point(38.301), { ack: true });
  const extra = await phone.timeout(2000).emitWithAck('location:report', point(38.302), 'extra');
  assert.is(extra.error.code, 'bad_request');
  const stale = await phone.timeout(2000).emitWithAck('location:report', { ...point(38.303), at: '2001-01-01T00:00:00Z' });
  assert.is(stale.error.field, 'at');
  const ok = await phone.timeout(3000).emitWithAck('location:report', point(38.304));
  assert.equal(ok, { ok: true, data: { accepted: true } });
  const [latest] = await s.sql<{ lat: number }[]>`SELECT lat FROM latest_positions WHERE responder_id = ${responderId}`;
  assert.is(latest.lat, 38.304, 'the acked point is in the database');
  const stored = await s.sql`SELECT 1 FROM positions WHERE responder_id = ${responderId} AND lat IN (38.3, 38.301, 38.302)`;
  assert.is(stored.length, 0, 'refused messages stored nothing');
});

H('a flood of resyncs costs at most one snapshot read a second and is refused past its limit', async ({ s }) => {
  const wall = raw(await connected(s, { displayToken: s.displayToken }));
  const results = await Promise.all(Array.from({ length: 10 }, () => wall.timeout(5000).emitWithAck('live:resync')));
  const served = results.filter((r) => r.ok), refused = results.filter((r) => !r.ok);
  assert.ok(served.length >= 1 && served.length <= 3, `served ${served.length}`);
  assert.ok(refused.every((r) => ['rate_limited', 'conflict'].includes(r.error.code)));
  assert.ok(refused.length >= 7);
});

H('connections per account and per display link are capped; the next one is refused with a reason', async ({ s }) => {
  const cookie = await s.login('duty');
  const mine = [await connected(s, { cookie }), await connected(s, { cookie }), await connected(s, { cookie })];
  const fourth = s.socket({ cookie });
  const err = await new Promise<Error>((r) => fourth.on('connect_error', r));
  assert.match(err.message, /^rate_limited: too many live connections for this account/);
  mine[0].close();
  await new Promise((r) => setTimeout(r, 100));
  await connected(s, { cookie });
});

H('handshakes per account are limited per minute across instances (each costs a snapshot); the refusal says when to retry', async () => {
  const s = await startTestServer({ config: { liveConnectsPerMinute: 3 } });
  try {
    const cookie = await s.login('leader03');
    for (let i = 0; i < 3; i++) (await connected(s, { cookie })).close();
    const fourth = s.socket({ cookie });
    const err = await new Promise<Error>((r) => fourth.on('connect_error', r));
    assert.match(err.message, /^rate_limited: .*too many live connections, try again in \d+ s/);
    await connected(s, { cookie: await s.login('leader04') });
  } finally {
    await s.close();
  }
});

H('a socket ends when its session expires', async ({ s }) => {
  const cookie = await s.login('manager');
  const sock = await connected(s, { cookie });
  await s.sql`UPDATE sessions SET expires_at = now() + interval '3 seconds' WHERE user_id = (SELECT id FROM users WHERE username = 'manager')`;
  // The socket learned its expiry at the handshake: a new one is needed to see the shortened session.
  sock.close();
  const again = await connected(s, { cookie });
  const ended = await waitFor<{ reason: string }>(again, 'session:ended', () => true, 6000);
  assert.is(ended.reason, 'session expired');
});

H('a wall that stops reading is skipped for position batches instead of queuing them, then cut off; a reading wall keeps getting them', async ({ s }) => {
  const cookie = await s.login('r020');
  await s.api('POST', '/api/duty', { cookie, body: { onDuty: true } });
  const { responderId } = await responderUser(s.sql, 'r020');
  const frozen = await connected(s, { displayToken: s.displayToken });
  const calm = await connected(s, { displayToken: s.displayToken });
  let calmBatches = 0;
  calm.on('positions:batch', () => calmBatches++);
  // The frozen wall's process stops reading its TCP socket; the server keeps writing until the kernel's buffers are
  // full and then queues in the socket's write buffer (16 MB in 64 kB frames here, to get there at once).
  (frozen as unknown as { io: { engine: { transport: { ws: { _socket: { pause(): void } } } } } }).io.engine.transport.ws._socket.pause();
  const serverSide = s.app.io.of('/').sockets.get(frozen.id!)!;
  const queued = () => backlog(serverSide.conn).bytes;
  for (let i = 0; i < 250; i++) serverSide.emit('positions:batch', new Uint8Array(64 * 1024));
  await new Promise((r) => setTimeout(r, 200));
  const behind = queued();
  assert.ok(behind >= 1024 * 1024, `the frozen wall is behind (${behind} bytes queued)`);

  const report = async () => {
    const ack = await new Promise((r) => s.app.ingest.report(responderId, { lat: 38.3 + Math.random() * 1e-3, lng: 116.84, accuracy: 5, at: new Date().toISOString() }, r));
    await s.app.ingest.flush();
    return ack;
  };
  for (let i = 0; i < 5; i++) assert.equal(await report(), { ok: true, data: { accepted: true } });
  assert.is(queued(), behind, 'no position batch was queued for the frozen wall');
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(calmBatches >= 5, `the reading wall got every batch (${calmBatches})`);

  // Far behind on everything (deltas are never skipped): the next flush cuts it off; it will resync when it reads again.
  for (let i = 0; i < 16; i++) serverSide.emit('positions:batch', new Uint8Array(1024 * 1024));
  await report();
  assert.is(serverSide.connected, false, 'disconnected');
});

H('a phone that stops reading (in no position room, so no flush looks at it) is cut off by the backlog sweep', async ({ s }) => {
  const phone = await connected(s, { cookie: await s.login('r021') });
  (phone as unknown as { io: { engine: { transport: { ws: { _socket: { pause(): void } } } } } }).io.engine.transport.ws._socket.pause();
  const serverSide = s.app.io.of('/').sockets.get(phone.id!)!;
  for (let i = 0; i < 20; i++) serverSide.emit('positions:batch', new Uint8Array(1024 * 1024));
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(backlog(serverSide.conn).bytes >= DISCONNECT_BYTES, 'far behind');
  const until = Date.now() + BACKLOG_SWEEP_MS * 3;
  while (serverSide.connected && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.is(serverSide.connected, false, 'disconnected by the sweep, with no position flush');
});

H('a socket that floods refused messages is cut off within seconds; the same socket asking properly was never refused', async ({ s }) => {
  const wall = raw(await connected(s, { displayToken: s.displayToken }));
  const c = wall as unknown as LiveClient;
  let cut = false;
  c.on('disconnect', () => { cut = true; });
  for (let i = 0; i < STRIKES.max + 20 && !cut; i++) wall.emit('tickets:steal', { all: true }, () => {});
  const until = Date.now() + 5000;
  while (!cut && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  assert.ok(cut, 'the flooding socket was disconnected');
  // Its neighbour, sending what the contract allows, is untouched.
  const calm = await connected(s, { displayToken: s.displayToken });
  const res = await (calm as unknown as Raw).timeout(2000).emitWithAck('time:ping');
  assert.is(res.ok, true);
  calm.close();
});

H('strikes are forgiven over time: a wall that errs now and then over a long uptime is never cut off', () => {
  let t = 0, disconnected = 0;
  const socket = { id: 'long-lived', disconnect: () => { disconnected++; } };
  const mw = eventBoundary({ socket, kind: 'display', table: CLIENT_EVENTS, log: pino({ level: 'silent' }), now: () => t, run: () => {} });
  const refusedOnce = () => { const box: { res?: { ok: boolean } } = {}; mw(['no:such', (r: { ok: boolean }) => { box.res = r; }], () => {}); return box.res; };
  // Ten wrong messages a minute for a day: fourteen thousand refusals, well over the limit in total.
  for (let i = 0; i < 24 * 60 * 10; i++) { t += 6000; assert.equal(refusedOnce()?.ok, false); }
  assert.is(disconnected, 0, 'not cut off');
  // The same count in a burst is a flood.
  for (let i = 0; i <= STRIKES.max; i++) refusedOnce();
  assert.ok(disconnected >= 1, 'cut off');
});

H.run();
