// Two server instances over one database: tickets and positions written through one reach dashboards on the other.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { DeltaBatch } from '../shared/events.ts';
import { freshDatabase } from './helpers/db.ts';
import { serverOn, waitFor, waitForPosition, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch, responderIn } from './helpers/fixtures.ts';

const C = suite<{ a: TestServer; b: TestServer; drop: () => Promise<void> }>('cluster');

C.before(async (ctx) => {
  const db = await freshDatabase();
  ctx.drop = db.drop;
  await noAutoDispatch(db.sql);
  ctx.a = await serverOn({ url: db.url, sql: db.sql }, { cluster: true });
  ctx.b = await serverOn({ url: db.url, sql: db.sql }, { cluster: true });
});
C.after(async ({ a, b, drop }) => { await a.close(); await b.close(); await drop(); });

// How fast is the bench's business (`npm run bench -- --instances 2`: ticket 201 → every dashboard); here: that it arrives.
C('a dashboard on instance B sees a ticket created through instance A', async ({ a, b }) => {
  const g = await gridByCode(a.sql, '03-2');
  const wall = b.socket({ displayToken: b.displayToken });
  await waitFor(wall, 'live:snapshot');
  const cookie = await a.login('duty');
  const created = await a.api('POST', '/api/tickets', { cookie, body: newTicket(g) });
  assert.is(created.status, 201);
  await waitFor<DeltaBatch>(wall, 'live:delta', (d) => d.changes.some((c) => c.kind === 'ticket' && c.ticket.id === created.body.id), 10_000);
});

C('positions reported to instance A reach a dashboard on instance B', async ({ a, b }) => {
  const g = await gridByCode(a.sql, '03-2');
  const r = await responderIn(a.sql, g.id);
  const phone = a.socket({ cookie: await a.login(r.username) });
  await waitFor(phone, 'live:snapshot');
  await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  const wall = b.socket({ displayToken: b.displayToken });
  await waitFor(wall, 'live:snapshot');
  const got = waitForPosition(wall, r.responderId, 1500);
  const ack = await phone.timeout(2000).emitWithAck('location:report', { lat: g.lat, lng: g.lng, accuracy: 9, at: new Date().toISOString() });
  assert.ok(ack.ok);
  await got;
});

C('signing out on instance A disconnects that session\'s socket on instance B', async ({ a, b }) => {
  const cookie = await a.login('duty');
  const sock = b.socket({ cookie });
  await waitFor(sock, 'live:snapshot');
  const gone = new Promise((r) => sock.on('disconnect', r));
  await a.api('POST', '/api/auth/logout', { cookie, body: {} });
  await Promise.race([gone, new Promise((_, rej) => setTimeout(() => rej(new Error('socket on B still connected')), 2000))]);
});

C.run();
