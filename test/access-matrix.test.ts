// The role × route matrix, generated from the app's own route table: every route is called, with a valid request,
// as every kind of caller, and every cell is asserted. Role cells follow the table's `allow` (so the one mount is
// proven to enforce it); scope cells (another grid, another responder's ticket, another street office) are stated
// here, per route, because they are data rules the table cannot express. A route without a sample fails this test.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { callerAllowed, type Route } from '../server/http/routes.ts';
import { createSession, insertDisplayToken, newToken, principalFromSession } from '../server/auth/sessions.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { createKey } from '../server/open311/keys.ts';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { CLIENT_EVENTS, TRACK_CLIENT_EVENTS, TRACK_NAMESPACE, type ClientEvent } from '../shared/events.ts';
import { io as ioClient } from 'socket.io-client';
import { gridByCode, newTicket, noAutoDispatch, otherStreetOffice, responderUser, type GridRef } from './helpers/fixtures.ts';

type Cell = 'nobody' | 'display' | 'admin' | 'duty' | 'leader' | 'manager' | 'responder' | 'leader:other-grid' | 'responder:not-involved' | 'other-office';
const USERNAMES: Partial<Record<Cell, string>> = {
  admin: 'admin', duty: 'duty', leader: 'leader01', manager: 'manager', responder: 'r001',
  'leader:other-grid': 'leader07', 'responder:not-involved': 'r250', 'other-office': 'duty-elsewhere',
};
const CELLS = Object.keys(USERNAMES).concat('nobody', 'display') as Cell[];

interface Fixture { ticket: string; photo: string; throwaway: string; displayLink: string; grid: GridRef; trackingCode: string; apiKey: string; keyId: string; pending: string; token: string }
interface Sample {
  path?: (f: Fixture) => string; body?: (f: Fixture) => unknown; query?: string; headers?: Record<string, string>;
  raw?: { type: string; bytes: Uint8Array };
  /** A form-encoded body (Open311's POST). */
  form?: (f: Fixture) => Record<string, string>;
  /** The route reads or acts on the fixture's ticket (see below). */
  scoped?: true;
  /** Other data-rule refusals of this route, by cell. */
  scope?: Partial<Record<Cell, number>>;
}
const METRICS_TOKEN = 'matrix-metrics-token-0123456789';
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

/**
 * A valid request for each route. `scoped`: the route reads or acts on the fixture's ticket, so callers outside its
 * scope are refused by the data rules (another grid 403, a responder not on it 403, another street office 404).
 */
const SAMPLES: Record<string, Sample> = {
  'GET /healthz': {}, 'GET /readyz': {}, 'GET /metrics': { headers: { authorization: `Bearer ${METRICS_TOKEN}` } },
  'POST /api/auth/login': { body: () => ({ username: 'duty', password: 'demo1234' }) },
  'POST /api/auth/logout': {}, 'GET /api/me': {},
  'POST /api/users/:id/disable': { path: (f) => `/api/users/${f.throwaway}/disable` },
  // Reported where the grid is: a leader of other grids may not report there.
  'POST /api/tickets': { body: (f) => newTicket(f.grid), scope: { 'leader:other-grid': 403 } },
  'GET /api/tickets': { query: 'limit=5' },
  'GET /api/tickets/:id': { path: (f) => `/api/tickets/${f.ticket}`, scoped: true },
  'POST /api/tickets/:id/phone': { path: (f) => `/api/tickets/${f.ticket}/phone`, scoped: true },
  'POST /api/tickets/:id/rating': { path: (f) => `/api/tickets/${f.ticket}/rating`, body: () => ({ rating: 5 }), scoped: true },
  'POST /api/tickets/:id/photos': { path: (f) => `/api/tickets/${f.ticket}/photos`, raw: { type: 'image/png', bytes: PNG }, scoped: true },
  'GET /api/photos/:id': { path: (f) => `/api/photos/${f.photo}`, scoped: true },
  'POST /api/tickets/:id/:action': { path: (f) => `/api/tickets/${f.ticket}/respond`, body: () => ({}), scoped: true },
  'GET /api/grids': {}, 'GET /api/communities': {},
  'POST /api/grids/import': { body: () => ({ type: 'FeatureCollection', features: [] }) },
  'GET /api/places': { query: 'q=%E5%B0%8F%E5%8C%BA' },
  'GET /api/categories': {}, 'GET /api/departments': {},
  'GET /api/responders': {},
  'POST /api/duty': { body: () => ({ onDuty: true }) },
  'GET /api/tickets/:id/candidates': { path: (f) => `/api/tickets/${f.ticket}/candidates`, scoped: true },
  'GET /api/metrics/today': {},
  'GET /api/reports': { query: 'period=yesterday' },
  'GET /api/reports/breakdown': { query: 'period=yesterday&by=grid' },
  'GET /api/reports/tickets': { query: 'period=yesterday&late=true' },
  'GET /api/reports/export.csv': { query: 'period=yesterday&by=community' },
  'GET /api/reports/export.xlsx': { query: 'period=yesterday' },
  'GET /api/dispatch/duplicates': { query: 'category=clutter&lat=38.3&lng=116.84' },
  'GET /api/dispatch/tickets/:id/linked': { path: (f) => `/api/dispatch/tickets/${f.ticket}/linked`, scoped: true },
  'POST /api/dispatch/link-report': { body: (f) => ({ ...newTicket(f.grid), duplicateOf: f.ticket }), scoped: true },
  'POST /api/dispatch/tickets/:id/offer': { path: (f) => `/api/dispatch/tickets/${f.ticket}/offer`, body: () => ({ responderId: '1', expectOfferId: null }), scoped: true },
  'GET /api/admin/display-links': {},
  'POST /api/admin/display-links': { body: () => ({ label: '矩阵测试' }) },
  'POST /api/admin/display-links/:id/rotate': { path: (f) => `/api/admin/display-links/${f.displayLink}/rotate` },
  'POST /api/admin/display-links/:id/revoke': { path: (f) => `/api/admin/display-links/${f.displayLink}/revoke` },
  // Residents: public, opened by a tracking code, never by who is signed in.
  'GET /api/public/report-context': { query: 'grid=1' },
  'GET /api/public/locate': { query: 'lat=38.3&lng=116.84' },
  'POST /api/public/reports': { body: (f) => ({ category: 'clutter', lat: f.grid.lat, lng: f.grid.lng }) },
  'GET /api/public/track/:code': { path: (f) => `/api/public/track/${f.trackingCode}` },
  'POST /api/public/track/:code/photos': { path: (f) => `/api/public/track/${f.trackingCode}/photos`, raw: { type: 'image/png', bytes: PNG } },
  'POST /api/public/track/:code/rating': { path: (f) => `/api/public/track/${f.trackingCode}/rating`, body: () => ({ rating: 5 }) },
  'GET /api/admin/posters': {},
  // Open311 keys are the administrator's; duty staff place the requests that could not place themselves.
  'GET /api/admin/open311-keys': {},
  'POST /api/admin/open311-keys': { body: () => ({ name: '矩阵测试' }) },
  'POST /api/admin/open311-keys/:id/revoke': { path: (f) => `/api/admin/open311-keys/${f.keyId}/revoke` },
  'GET /api/open311/pending': {},
  'POST /api/open311/pending/:id/place': { path: (f) => `/api/open311/pending/${f.pending}/place`, body: (f) => ({ gridId: f.grid.id }), scope: { 'other-office': 404 } },
  // Open311: public reads; POST by api_key (the form carries it), whoever else is signed in.
  'GET /open311/v2/discovery{.:format}': { path: () => '/open311/v2/discovery.xml' },
  'GET /open311/v2/services{.:format}': { path: () => '/open311/v2/services.json', query: 'jurisdiction_id=street-office-1' },
  'GET /open311/v2/services/:code{.:format}': { path: () => '/open311/v2/services/elevator.xml', query: 'jurisdiction_id=street-office-1' },
  'POST /open311/v2/requests{.:format}': { path: () => '/open311/v2/requests.json', form: (f) => ({ api_key: f.apiKey, jurisdiction_id: 'street-office-1', service_code: 'clutter', lat: String(f.grid.lat), long: String(f.grid.lng) }) },
  'GET /open311/v2/requests{.:format}': { path: () => '/open311/v2/requests.json', query: 'jurisdiction_id=street-office-1' },
  'GET /open311/v2/requests/:id{.:format}': { path: (f) => `/open311/v2/requests/${f.ticket}.xml`, query: 'jurisdiction_id=street-office-1' },
  'GET /open311/v2/tokens/:token{.:format}': { path: (f) => `/open311/v2/tokens/${f.token}.json`, query: 'jurisdiction_id=street-office-1' },
};

const M = suite<{ s: TestServer; f: Fixture }>('access matrix');

M.before(async (ctx) => {
  const s = ctx.s = await startTestServer({ start: false, config: { metricsToken: METRICS_TOKEN } });
  await noAutoDispatch(s.sql);
  const g = await gridByCode(s.sql, '01-1');
  const duty = await s.login('duty');
  const ticket = (await s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body.id as string;
  // r001 is on it (dispatched and accepted): the "responder" cell is the responder handling the ticket.
  const { responderId } = await responderUser(s.sql, 'r001');
  const r001 = await s.login('r001');
  await s.api('POST', '/api/duty', { cookie: r001, body: { onDuty: true } });
  await s.api('POST', `/api/tickets/${ticket}/dispatch`, { cookie: duty, body: { responderId } });
  assert.is((await s.api('POST', `/api/tickets/${ticket}/accept`, { cookie: r001, body: {} })).status, 200);
  const [photo] = await s.sql<{ id: string }[]>`INSERT INTO ticket_photos (ticket_id, content_type, bytes) VALUES (${ticket}, 'image/png', ${Buffer.from(PNG)}) RETURNING id`;
  const hash = await hashPassword('throwaway-password');
  const [so] = await s.sql<{ id: string }[]>`SELECT id FROM street_offices ORDER BY id LIMIT 1`;
  const [throwaway] = await s.sql<{ id: string }[]>`INSERT INTO users (street_office_id, username, password_hash, role, display_name) VALUES (${so.id}, 'throwaway', ${hash}, 'manager', '临时') RETURNING id`;
  const other = await otherStreetOffice(s.sql);
  await s.sql`INSERT INTO users (street_office_id, username, password_hash, role, display_name) VALUES (${other.id}, 'duty-elsewhere', ${hash}, 'duty', '外街道值班员')`;
  // A link of its own to rotate and revoke (the test server's own wall link stays valid for the socket cells).
  const link = await insertDisplayToken(s.sql, so.id, 'matrix', newToken());
  const trackingCode = (await s.api('POST', '/api/public/reports', { body: { category: 'clutter', lat: g.lat, lng: g.lng } })).body.trackingCode as string;
  const key = await createKey(s.sql, so.id, 'matrix-client', null);
  const form = new URLSearchParams({ api_key: key.key, jurisdiction_id: 'street-office-1', service_code: 'road', address_string: '无名路口' });
  const pendingRes = await fetch(`${s.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const token = (await pendingRes.json())[0].token as string;
  const [pending] = await s.sql<{ id: string }[]>`SELECT id FROM open311_pending WHERE token = ${token}`;
  // A key of its own to revoke (the matrix's POST requests keep using the first one).
  const spare = await createKey(s.sql, so.id, 'matrix-spare', null);
  ctx.f = { ticket, photo: photo.id, throwaway: throwaway.id, displayLink: link, grid: g, trackingCode, apiKey: key.key, keyId: spare.view.id, pending: pending.id, token };
});
M.after(async ({ s }) => s.close());

/** A fresh session for a cell's account, so that a logout or disable in one cell cannot starve the next. */
async function headersFor(s: TestServer, cell: Cell): Promise<Record<string, string>> {
  if (cell === 'nobody') return {};
  if (cell === 'display') return { authorization: `Display ${s.displayToken}` };
  const username = USERNAMES[cell]!;
  await s.sql`UPDATE users SET disabled = false WHERE username = ${username} OR username = 'throwaway'`;
  const [u] = await s.sql<{ id: string }[]>`SELECT id FROM users WHERE username = ${username}`;
  return { cookie: `gridops_session=${(await createSession(s.sql, u.id, 1)).token}` };
}

function expected(route: Route, sample: Sample, cell: Cell, principal: Awaited<ReturnType<typeof principalFromSession>> | undefined): number | 'allowed' {
  const byRole = callerAllowed(route.allow, cell === 'display' ? undefined : principal ?? undefined);
  if (byRole) return byRole.status;
  if (sample.scope?.[cell]) return sample.scope[cell]!;
  if (sample.scoped && cell === 'other-office') return 404;
  if (sample.scoped && (cell === 'leader:other-grid' || cell === 'responder:not-involved')) return 403;
  return 'allowed';
}

M('every route × every caller: refused with exactly 401 / 403 / 404 as the table and the scope rules say, served otherwise', async ({ s, f }) => {
  const routes = s.app.routes;
  const missing = routes.map((r) => `${r.method} ${r.path}`).filter((k) => !SAMPLES[k]);
  assert.equal(missing, [], 'every route has a sample request here (add one for a new route)');
  const stale = Object.keys(SAMPLES).filter((k) => !routes.some((r) => `${r.method} ${r.path}` === k));
  assert.equal(stale, [], 'no sample for a route that no longer exists');
  const failures: string[] = [];
  let cells = 0;
  for (const route of routes) {
    const sample = SAMPLES[`${route.method} ${route.path}`];
    for (const cell of CELLS) {
      const headers = { ...(await headersFor(s, cell)), ...sample.headers };
      const principal = headers.cookie ? await principalFromSession(s.sql, headers.cookie.split('=')[1]) : undefined;
      const want = expected(route, sample, cell, principal);
      const path = (sample.path?.(f) ?? route.path) + (sample.query ? `?${sample.query}` : '');
      const init: RequestInit = { method: route.method, headers };
      if (sample.raw) { init.body = Buffer.from(sample.raw.bytes); (init.headers as Record<string, string>)['content-type'] = sample.raw.type; }
      else if (sample.form) { init.body = new URLSearchParams(sample.form(f)); (init.headers as Record<string, string>)['content-type'] = 'application/x-www-form-urlencoded'; }
      else if (route.method !== 'GET') { init.body = JSON.stringify(sample.body?.(f) ?? {}); (init.headers as Record<string, string>)['content-type'] = 'application/json'; }
      const res = await fetch(s.url + path, init);
      const got = res.status;
      await res.arrayBuffer();
      cells++;
      const ok = want === 'allowed' ? ![401, 403, 404].includes(got) && got < 500 : got === want;
      if (!ok) failures.push(`${route.method} ${route.path} as ${cell}: expected ${want}, got ${got}`);
    }
  }
  assert.equal(failures, [], `${failures.length} of ${cells} cells wrong`);
  assert.ok(cells >= routes.length * CELLS.length);
});

const EVENT_SAMPLES: Record<ClientEvent, unknown[]> = {
  'live:resync': [], 'time:ping': [],
  'location:report': [{ lat: 38.3, lng: 116.84, accuracy: 8, at: new Date().toISOString() }],
  'duty:set': [{ onDuty: true }],
};

M('every socket event × every caller: answered as the contract\'s allow list says', async ({ s }) => {
  s.app.ingest.start();
  const failures: string[] = [];
  for (const cell of ['display', 'admin', 'duty', 'leader', 'manager', 'responder'] as const) {
    const headers = await headersFor(s, cell);
    const principal = headers.cookie ? await principalFromSession(s.sql, headers.cookie.split('=')[1]) : null;
    const sock = s.socket(cell === 'display' ? { displayToken: s.displayToken } : { cookie: headers.cookie });
    await waitFor(sock, 'live:snapshot', () => true, 5000);
    for (const event of Object.keys(CLIENT_EVENTS) as ClientEvent[]) {
      const allowed = (CLIENT_EVENTS[event].allow as readonly string[]).includes(cell === 'display' ? 'display' : principal!.role);
      const args = event === 'location:report' ? [{ ...EVENT_SAMPLES[event][0] as object, at: new Date().toISOString() }] : EVENT_SAMPLES[event];
      const res = await (sock as unknown as { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<{ ok: boolean; error?: { code: string } }> } })
        .timeout(5000).emitWithAck(event, ...args);
      const ok = allowed ? res.ok : !res.ok && res.error?.code === 'forbidden';
      if (!ok) failures.push(`${event} as ${cell}: ${allowed ? 'allowed' : 'forbidden'} expected, got ${JSON.stringify(res)}`);
    }
    sock.close();
  }
  assert.equal(failures, []);
});

type AckSocket = { timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<{ ok: boolean; error?: { code: string } }> }; close(): void; connected: boolean };

M('the tracking namespace: a tracking code opens its own events and none of the main contract; on the main namespace it opens nothing', async ({ s, f }) => {
  const track = ioClient(`${s.url}${TRACK_NAMESPACE}`, { auth: { code: f.trackingCode }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => { track.once('track:view', () => resolve()); track.once('connect_error', reject); });
  const t = track as unknown as AckSocket;
  for (const event of Object.keys(TRACK_CLIENT_EVENTS)) assert.ok((await t.timeout(5000).emitWithAck(event)).ok, `${event} as a tracking page`);
  for (const event of Object.keys(CLIENT_EVENTS)) {
    const res = await t.timeout(5000).emitWithAck(event, ...(EVENT_SAMPLES[event as ClientEvent] ?? []));
    assert.ok(!res.ok && res.error?.code === 'bad_request', `${event} is unknown on the tracking namespace: ${JSON.stringify(res)}`);
  }
  track.close();
  // The code is no credential of the main namespace: the handshake is refused as signed out.
  const main = ioClient(s.url, { auth: { code: f.trackingCode, trackingCode: f.trackingCode }, transports: ['websocket'], reconnection: false, forceNew: true });
  const err = await new Promise<Error>((resolve) => main.once('connect_error', resolve));
  assert.match(err.message, /unauthorized/);
  main.close();
});

M.run();
