// The clients' REST contract (shared/rest.ts) against the server's route table: every endpoint the clients call
// exists with that method and path, and every server route is either in the contract or named here with the reason
// it is not called through the typed client. A body the contract's schema refuses is refused by the server too.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTION_PATH, REST } from '../shared/rest.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

/** Server routes outside the typed client, and why. */
const OUTSIDE_THE_CLIENT: Record<string, string> = {
  'GET /healthz': 'probes', 'GET /readyz': 'probes', 'GET /metrics': 'Prometheus',
  'POST /api/tickets/:id/:action': 'called through act(), typed by ACTION_BODIES',
  'POST /api/tickets/:id/photos': 'binary upload from the phone\'s outbox',
  'GET /api/photos/:id': 'an <img> source',
  'GET /api/metrics/today': 'for other tools (the pages get KPIs live)',
  'GET /api/reports/export.csv': 'a download link',
  'GET /api/reports/export.xlsx': 'a download link',
  'POST /api/users/:id/disable': 'administration by API',
  'POST /api/grids/import': 'the import-grids command and API',
  'POST /api/public/track/:code/photos': 'binary upload of a resident\'s photo',
  ...Object.fromEntries(['GET /open311/v2/discovery{.:format}', 'GET /open311/v2/services{.:format}', 'GET /open311/v2/services/:code{.:format}',
    'POST /open311/v2/requests{.:format}', 'GET /open311/v2/requests{.:format}', 'GET /open311/v2/requests/:id{.:format}', 'GET /open311/v2/tokens/:token{.:format}']
    .map((k) => [k, 'Open311 GeoReport v2 for other systems: form bodies, XML or JSON (server/open311)'])),
};

const R = suite<{ s: TestServer }>('REST contract');
R.before(async (ctx) => { ctx.s = await startTestServer({ start: false }); });
R.after(async ({ s }) => s.close());

R('every endpoint of the contract is a server route, and every server route is in the contract or named as outside it', ({ s }) => {
  const routes = new Set(s.app.routes.map((r) => `${r.method} ${r.path}`));
  const missing = Object.keys(REST).filter((k) => !routes.has(k));
  assert.equal(missing, [], 'contract endpoints without a server route');
  assert.ok(routes.has(`POST ${ACTION_PATH}`));
  const unaccounted = [...routes].filter((k) => !(k in REST) && !(k in OUTSIDE_THE_CLIENT));
  assert.equal(unaccounted, [], 'server routes neither in shared/rest.ts nor named as outside the client');
  const stale = Object.keys(OUTSIDE_THE_CLIENT).filter((k) => !routes.has(k));
  assert.equal(stale, [], 'names of routes that no longer exist');
});

R('a body the contract\'s schema refuses is refused by the server with the same field', async ({ s }) => {
  const cookie = await s.login('duty');
  const bad = { category: 'clutter', channel: 'carrier-pigeon', description: 'x', lat: 38.3, lng: 116.84 };
  const local = REST['POST /api/tickets'].body.safeParse(bad);
  assert.is(local.success, false);
  const res = await s.api('POST', '/api/tickets', { cookie, body: bad });
  assert.is(res.status, 400);
  assert.is(res.body.error.field, 'channel');
  assert.is(local.success ? '' : local.error.issues[0].path.join('.'), 'channel');
});

R.run();
