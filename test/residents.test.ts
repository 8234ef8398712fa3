// Residents over REST and the tracking namespace, against a real server and PostgreSQL: a report lands in its grid
// and is auto-dispatched, retries never make two tickets and show the same code, the public view carries nothing
// personal, the tracking socket follows the ticket and sees nothing else, rating 1–2 reopens for the grid leader.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { io as ioClient, type Socket } from 'socket.io-client';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { gridByCode, noAutoDispatch, responderIn, type GridRef } from './helpers/fixtures.ts';
import { onDutyAt, until } from './helpers/dispatch.ts';
import { TRACK_NAMESPACE, type TrackClientToServerEvents, type TrackServerToClientEvents } from '../shared/events.ts';
import type { PublicTicketView } from '../shared/residents.ts';
import type { DeltaBatch } from '../shared/events.ts';

type TrackClient = Socket<TrackServerToClientEvents, TrackClientToServerEvents>;
const R = suite<{ s: TestServer; g: GridRef }>('residents');

R.before(async (ctx) => {
  ctx.s = await startTestServer();
  ctx.g = await gridByCode(ctx.s.sql, '01-1');
});
R.after(async ({ s }) => s.close());

const report = (g: GridRef, over: Record<string, unknown> = {}) => ({ category: 'clutter', description: '楼道里堆满了纸箱', lat: g.lat, lng: g.lng, name: '李秀英', ...over });
const post = (s: TestServer, body: unknown, key?: string) => s.api('POST', '/api/public/reports', { body, headers: key ? { 'idempotency-key': key } : {} });
const track = (s: TestServer, code: string): TrackClient => ioClient(s.url + TRACK_NAMESPACE, { auth: { code }, transports: ['websocket'], reconnection: false, forceNew: true });

R('a report from the public page lands in the grid of its place, as channel resident_page, and is auto-dispatched', async ({ s, g }) => {
  const helper = await responderIn(s.sql, g.id);
  const on = await onDutyAt(s, helper.username, { lat: g.lat + 0.0002, lng: g.lng });
  const wall = s.socket({ displayToken: s.displayToken });
  await waitFor(wall, 'live:snapshot', () => true, 5000);
  const onWall = waitFor<DeltaBatch>(wall, 'live:delta', (b) => b.changes.some((c) => c.kind === 'ticket' && c.ticket.channel === 'resident_page'), 3000);
  const t0 = Date.now();
  const res = await post(s, report(g), 'resident-key-0001');
  assert.is(res.status, 201, JSON.stringify(res.body));
  await onWall;
  assert.ok(Date.now() - t0 < 1000, `on the wall within a second (took ${Date.now() - t0} ms)`);
  wall.close();
  assert.match(res.body.trackingCode, /^[A-Za-z0-9_-]{22}$/);
  assert.is(res.body.trackUrl, `/t/${res.body.trackingCode}`);
  const [t] = await s.sql<{ id: string; grid_id: string; channel: string; created_by: string | null; tracking_hash: Buffer; status: string }[]>`
    SELECT id, grid_id, channel, created_by, tracking_hash, status FROM tickets WHERE channel = 'resident_page' ORDER BY id DESC LIMIT 1`;
  assert.is(t.grid_id, g.id);
  assert.is(t.created_by, null);
  assert.is(t.tracking_hash.length, 32, 'only the code\'s SHA-256 is kept');
  const [raw] = await s.sql`SELECT count(*)::int AS n FROM tickets WHERE position(${res.body.trackingCode} in tickets::text) > 0`;
  assert.is(raw.n, 0, 'the code itself is stored nowhere in the row');
  await until(async () => (await s.sql`SELECT 1 FROM offers WHERE ticket_id = ${t.id} AND responder_id = ${on.responderId} AND status = 'offered'`).length > 0, 5000, 'auto-dispatch offer');
  on.sock.close();
});

R('a double tap or a retry with the same key makes one ticket and shows the same tracking code, even racing', async ({ s, g }) => {
  await noAutoDispatch(s.sql);
  const key = 'resident-retry-0002';
  const results = await Promise.all(Array.from({ length: 5 }, () => post(s, report(g, { description: '双击测试' }), key)));
  const codes = new Set(results.map((r) => r.body.trackingCode));
  assert.is(codes.size, 1, JSON.stringify(results.map((r) => r.body)));
  assert.equal(results.map((r) => r.status).sort(), [200, 200, 200, 200, 201]);
  const [{ n }] = await s.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM tickets WHERE description = '双击测试'`;
  assert.is(n, 1);
  const view = await s.api('GET', `/api/public/track/${[...codes][0]}`);
  assert.is(view.status, 200);
  assert.is(view.body.description, '双击测试');
});

R('a photo and a pin are a report: no description needed; the category\'s questions are checked', async ({ s, g }) => {
  const res = await post(s, { category: 'elevator', lat: g.lat, lng: g.lng, attributes: { trapped: 'yes', floor: 6 } }, 'resident-elev-0003');
  assert.is(res.status, 201, JSON.stringify(res.body));
  const view = await s.api('GET', `/api/public/track/${res.body.trackingCode}`);
  assert.match(view.body.description, /电梯故障（居民随手拍）/);
  assert.match(view.body.description, /有人被困/);
  const [t] = await s.sql<{ attributes: Record<string, unknown> }[]>`SELECT attributes FROM tickets WHERE description LIKE '电梯故障（居民随手拍）%' ORDER BY id DESC LIMIT 1`;
  assert.equal(t.attributes, { trapped: 'yes', floor: 6 });
  const missing = await post(s, { category: 'elevator', lat: g.lat, lng: g.lng });
  assert.is(missing.status, 400);
  assert.is(missing.body.error.field, 'attribute[trapped]');
  const wrong = await post(s, { category: 'elevator', lat: g.lat, lng: g.lng, attributes: { trapped: 'maybe' } });
  assert.is(wrong.status, 400);
  const unknown = await post(s, { category: 'clutter', lat: g.lat, lng: g.lng, attributes: { floor: 2 } });
  assert.is(unknown.status, 400);
});

R('a place outside every grid is refused in plain words with the nearest community\'s phone; locate says the same', async ({ s }) => {
  const far = { lat: 38.2, lng: 116.7 };
  const res = await post(s, report({ id: '', code: '', communityName: '', lat: far.lat, lng: far.lng }));
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'location');
  assert.match(res.body.error.message, /不在我们的网格内/);
  assert.match(res.body.error.message, /0317-206\d{4}/);
  const where = await s.api('GET', `/api/public/locate?lat=${far.lat}&lng=${far.lng}`);
  assert.is(where.body.grid, null);
  assert.match(where.body.nearest.phone, /^0317-206\d{4}$/);
  const inside = await s.api('GET', `/api/public/locate?lat=38.3&lng=116.84`);
  assert.ok(inside.body.grid?.name);
});

R('the public view carries no names, phones, coordinates or positions, and the handler\'s family name only', async ({ s, g }) => {
  await noAutoDispatch(s.sql);
  const res = await post(s, report(g, { phone: '13912345678' }), 'resident-priv-0004');
  const [t] = await s.sql<{ id: string }[]>`SELECT id FROM tickets WHERE tracking_hash IS NOT NULL ORDER BY id DESC LIMIT 1`;
  const helper = await responderIn(s.sql, g.id, 1);
  const on = await onDutyAt(s, helper.username, { lat: g.lat, lng: g.lng });
  const duty = await s.login('duty');
  assert.is((await s.api('POST', `/api/tickets/${t.id}/dispatch`, { cookie: duty, body: { responderId: on.responderId } })).status, 200);
  assert.is((await s.api('POST', `/api/tickets/${t.id}/accept`, { cookie: on.cookie, body: {} })).status, 200);
  const view = (await s.api('GET', `/api/public/track/${res.body.trackingCode}`)).body as PublicTicketView;
  const [r] = await s.sql<{ name: string; phone: string }[]>`SELECT name, phone FROM responders WHERE id = ${on.responderId}`;
  const text = JSON.stringify(view);
  for (const secret of ['李秀英', '13912345678', r.name, r.phone, String(g.lat), String(g.lng)]) assert.not.ok(text.includes(secret), `the view leaks ${secret}`);
  assert.is(view.handler?.family, [...r.name][0]);
  assert.equal(Object.keys(view).sort(), ['category', 'categoryName', 'communityName', 'communityPhone', 'description', 'gridName', 'handler', 'mayAddPhotos',
    'mayRate', 'photoCount', 'rating', 'reportedAt', 'resolvedAt', 'respondedAt', 'responseMet', 'responseTargetMin', 'serverTime', 'stage', 'status', 'steps', 'version']);
  assert.equal(view.steps.map((x) => x.kind), ['received', 'dispatched', 'accepted']);
  assert.is(view.stage, 'dispatched');
  on.sock.close();
});

R('tracking codes: malformed or unknown codes are the same 404; no code opens another ticket', async ({ s }) => {
  for (const code of ['x', 'A'.repeat(22), '../../etc/passwd', 'A'.repeat(500)]) {
    const res = await s.api('GET', `/api/public/track/${encodeURIComponent(code)}`);
    assert.is(res.status, 404, code);
  }
});

R('the tracking socket gets the view at once and again on every change, and can reach nothing of the main contract', async ({ s, g }) => {
  await noAutoDispatch(s.sql);
  const res = await post(s, report(g, { description: '实时跟踪测试' }), 'resident-live-0005');
  const sock = track(s, res.body.trackingCode);
  const views: PublicTicketView[] = [];
  sock.on('track:view', (v) => views.push(v));
  await until(() => views.length > 0, 5000, 'first view');
  assert.is(views[0].description, '实时跟踪测试');
  const [t] = await s.sql<{ id: string }[]>`SELECT id FROM tickets WHERE description = '实时跟踪测试'`;
  const duty = await s.login('duty');
  const t0 = Date.now();
  assert.is((await s.api('POST', `/api/tickets/${t.id}/respond`, { cookie: duty, body: {} })).status, 200);
  await until(() => views.some((v) => v.status === 'responded'), 3000, 'live update');
  assert.ok(Date.now() - t0 < 2000, 'the page sees it within a couple of seconds');
  const got = await sock.timeout(3000).emitWithAck('track:get');
  assert.is(got.ok && got.data.status, 'responded');
  // Main-namespace events are unknown here; the ack says so.
  const raw = sock as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<{ ok: boolean; error?: { code: string } }> } };
  const steal = await raw.timeout(3000).emitWithAck('live:resync');
  assert.is(steal.ok, false);
  assert.is(steal.error?.code, 'bad_request');
  sock.close();
  // A wrong code never connects.
  const bad = track(s, 'B'.repeat(22));
  const err = await new Promise<Error>((resolve) => bad.on('connect_error', resolve));
  assert.match(err.message, /not_found/);
  bad.close();
});

R('rating: only once resolved, once per resolution; 4–5 stays resolved, 1–2 reopens for the grid leader with the comment', async ({ s, g }) => {
  await noAutoDispatch(s.sql);
  const res = await post(s, report(g, { description: '评价测试' }), 'resident-rate-0006');
  const code = res.body.trackingCode;
  const [t] = await s.sql<{ id: string }[]>`SELECT id FROM tickets WHERE description = '评价测试'`;
  const early = await s.api('POST', `/api/public/track/${code}/rating`, { body: { rating: 5 } });
  assert.is(early.status, 409);
  const duty = await s.login('duty');
  await s.api('POST', `/api/tickets/${t.id}/respond`, { cookie: duty, body: {} });
  await s.api('POST', `/api/tickets/${t.id}/resolve`, { cookie: duty, body: { note: '已清理' } });
  const low = await s.api('POST', `/api/public/track/${code}/rating`, { body: { rating: 1, comment: '纸箱还在' } });
  assert.is(low.status, 200, JSON.stringify(low.body));
  assert.is(low.body.status, 'reopened');
  assert.is(low.body.stage, 'received');
  const again = await s.api('POST', `/api/public/track/${code}/rating`, { body: { rating: 5 } });
  assert.is(again.status, 409, 'no second rating until it is resolved again');
  const leader = await s.login('leader01');
  const detail = await s.api('GET', `/api/tickets/${t.id}`, { cookie: leader });
  assert.is(detail.body.status, 'reopened');
  const reopen = detail.body.events.find((e: { action: string }) => e.action === 'reopen');
  assert.match(reopen.reason, /纸箱还在/);
  assert.is(reopen.actorLabel, '居民评价');
  // Resolved again: the resident may rate again; a good rating leaves it resolved.
  await s.api('POST', `/api/tickets/${t.id}/respond`, { cookie: duty, body: {} });
  await s.api('POST', `/api/tickets/${t.id}/resolve`, { cookie: duty, body: { note: '已全部清走' } });
  const good = await s.api('POST', `/api/public/track/${code}/rating`, { body: { rating: 5, comment: '谢谢' } });
  assert.is(good.body.status, 'resolved');
  assert.is(good.body.rating, 5);
  assert.is(good.body.mayRate, false);
});

R.run();
