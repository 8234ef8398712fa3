// The auto-dispatch sweeper: a ticket whose auto-dispatch never ran (or failed after the 201) is offered anyway, and a
// grid leader is alerted once per wait when nobody is available, however often the sweeper retries.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sweepUndispatched, SWEEP_AFTER_S } from '../server/dispatch/sweep.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode, responderIn, type GridRef } from './helpers/fixtures.ts';
import { offset } from './helpers/dispatch.ts';

const S = suite<{ s: TestServer; g: GridRef }>('auto-dispatch sweeper');

S.before(async (ctx) => {
  // The jobs are not started: the test runs the sweeper itself, so nothing else offers these tickets.
  ctx.s = await startTestServer({ start: false });
  ctx.g = await gridByCode(ctx.s.sql, '03-2');
  await ctx.s.sql`UPDATE responders SET duty_status = 'off_duty' WHERE duty_status <> 'off_duty'`;
});
S.after(async ({ s }) => s.close());

/** A ticket as if its 201 had gone out and the process had died before auto-dispatch ran. */
async function orphan(s: TestServer, g: GridRef, agoS = SWEEP_AFTER_S + 5): Promise<string> {
  const [t] = await s.sql<{ id: string }[]>`
    INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, response_target_s, resolution_target_s, reported_at)
    SELECT street_office_id, id, 'clutter', 'hotline', 'normal', 'reported', '楼道堆物', ${g.lat}, ${g.lng}, 600, 86400, now() - make_interval(secs => ${agoS})
    FROM grids WHERE id = ${g.id} RETURNING id`;
  await s.sql`INSERT INTO ticket_events (ticket_id, at, action, from_status, to_status, actor_label) VALUES (${t.id}, now() - make_interval(secs => ${agoS}), 'report', NULL, 'reported', '值班员')`;
  return t.id;
}
const events = async (s: TestServer, id: string) => (await s.sql<{ action: string }[]>`SELECT action FROM ticket_events WHERE ticket_id = ${id} ORDER BY id`).map((e) => e.action);

S('nobody available: the leader is alerted once, however often the sweeper comes by; an offer goes out once someone is', async ({ s, g }) => {
  const id = await orphan(s, g);
  const fresh = await orphan(s, g, 1);
  assert.equal(await sweepUndispatched(s.app.deps), []);
  assert.equal(await events(s, id), ['report', 'alert'], 'alerted');
  assert.equal(await events(s, fresh), ['report'], 'a ticket just reported is left to its own auto-dispatch run');
  await s.sql`UPDATE tickets SET dispatch_swept_at = now() - interval '1 hour' WHERE id = ${id}`;
  await sweepUndispatched(s.app.deps);
  assert.equal(await events(s, id), ['report', 'alert'], 'not alerted twice for one wait');

  // On duty with a known position (the position pipeline is not running here: written as a flush would).
  const r = await responderIn(s.sql, g.id);
  assert.is((await s.api('POST', '/api/duty', { cookie: await s.login(r.username), body: { onDuty: true } })).status, 200);
  const at = offset(g, 40);
  await s.sql`INSERT INTO latest_positions (responder_id, at, lat, lng, accuracy) VALUES (${r.responderId}, now(), ${at.lat}, ${at.lng}, 5)`;
  await s.sql`UPDATE tickets SET dispatch_swept_at = now() - interval '1 hour' WHERE id = ${id}`;
  assert.ok((await sweepUndispatched(s.app.deps)).includes(id), 'offered on the next sweep');
  const [o] = await s.sql<{ responder_id: string }[]>`SELECT responder_id FROM offers WHERE ticket_id = ${id} AND status = 'offered'`;
  assert.is(o.responder_id, r.responderId);
});

S('a ticket whose auto-dispatch is off, or that already has an offer, is left alone', async ({ s, g }) => {
  const id = await orphan(s, g);
  await s.sql`UPDATE grids SET auto_dispatch = false WHERE id = ${g.id}`;
  try {
    assert.not.ok((await sweepUndispatched(s.app.deps)).includes(id));
    assert.equal(await events(s, id), ['report']);
  } finally {
    await s.sql`UPDATE grids SET auto_dispatch = true WHERE id = ${g.id}`;
  }
});

S.run();
