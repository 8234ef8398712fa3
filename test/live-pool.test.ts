// The live path has a pool of its own: with every connection of the shared pool busy (a burst of ticket writes, a
// long report), a ticket change still reaches the wall and a phone's position is still stored and acked.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from '../server/db/connect.ts';
import type { DeltaBatch } from '../shared/events.ts';
import { insertTicket } from '../server/tickets/create.ts';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { onDutyAt } from './helpers/dispatch.ts';
import { gridByCode, noAutoDispatch } from './helpers/fixtures.ts';

const P = suite<{ s: TestServer; logged: Array<Record<string, unknown>> }>('live pool');
P.before(async (ctx) => {
  ctx.logged = [];
  ctx.s = await startTestServer({ livePool: 2, logTo: (l) => ctx.logged.push(l) });
  await noAutoDispatch(ctx.s.sql);
});
P.after(async ({ s }) => { await s.close(); });

P('with the shared pool held, the wall still gets a new ticket and a phone its position ack', async ({ s }) => {
  const g = await gridByCode(s.sql, '01-1');
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot');
  const phone = await onDutyAt(s, 'r001', { lat: g.lat, lng: g.lng });

  // Hold all 10 of the shared pool's connections for 4 s.
  let held = true;
  const holding = Promise.all(Array.from({ length: 10 }, () => s.sql`SELECT pg_sleep(4)`)).finally(() => { held = false; });

  // A ticket reported through another door (another instance, the residents' page) while this instance's pool is held.
  const other = connect(s.dbUrl, { max: 1 });
  try {
    const [so] = await other<{ id: string }[]>`SELECT street_office_id AS id FROM grids WHERE id = ${g.id}`;
    const arrived = waitFor<DeltaBatch>(wall, 'live:delta', (b) => b.changes.some((c) => c.kind === 'ticket' && c.ticket.description === '停车棚灯不亮'), 3000);
    await other.begin((tx) => insertTicket(tx, {
      streetOfficeId: so.id, gridId: g.id, category: 'clutter', channel: 'hotline', description: '停车棚灯不亮', lat: g.lat, lng: g.lng,
      actor: { userId: null, responderId: null, label: '测试' }, createdBy: null, idempotencyKey: null,
    }));
    await arrived;
    assert.ok(held, 'the ticket reached the wall while the shared pool was still held');

    const ack = await phone.sock.timeout(3000).emitWithAck('location:report', { lat: g.lat, lng: g.lng, accuracy: 5, at: new Date().toISOString() });
    assert.equal(ack, { ok: true, data: { accepted: true } });
    assert.ok(held, 'the position was stored and acked while the shared pool was still held');
  } finally {
    await other.end({ timeout: 1 });
    await holding;
  }
});

P('a position write held up by the database is stored and acked when it can be, and logged as slow with its duration', async ({ s, logged }) => {
  const g = await gridByCode(s.sql, '01-1');
  const phone = await onDutyAt(s, 'r002', { lat: g.lat, lng: g.lng });
  // Another session holds the responder's latest-position row for 600 ms: the flush's upsert waits for it.
  const other = connect(s.dbUrl, { max: 1 });
  try {
    const held = other.begin(async (tx) => {
      await tx`SELECT 1 FROM latest_positions WHERE responder_id = ${phone.responderId} FOR UPDATE`;
      await tx`SELECT pg_sleep(0.6)`;
    });
    await new Promise((r) => setTimeout(r, 50));
    const ack = await phone.sock.timeout(5000).emitWithAck('location:report', { lat: g.lat + 1e-4, lng: g.lng, accuracy: 5, at: new Date().toISOString() });
    await held;
    assert.equal(ack, { ok: true, data: { accepted: true } });
    const [row] = await s.sql<{ lat: number }[]>`SELECT lat FROM latest_positions WHERE responder_id = ${phone.responderId}`;
    assert.is(row.lat, g.lat + 1e-4, 'the acked point is stored');
    const slow = logged.find((l) => l.msg === 'slow position write');
    assert.ok(slow, JSON.stringify(logged.map((l) => l.msg)));
    assert.ok(Number(slow.ms) >= 400 && Number(slow.points) >= 1, JSON.stringify(slow));
  } finally {
    await other.end();
  }
});

P.run();
