// GET /metrics: the operator's view of the live pipeline, behind a bearer token.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, waitFor, type TestServer } from './helpers/server.ts';
import { gridByCode, responderIn } from './helpers/fixtures.ts';
import { PER_CONNECTION_COLLECTORS } from '../server/http/ops-metrics.ts';

const TOKEN = 'ops-token-0123456789abcdef';
const M = suite<{ s: TestServer }>('ops metrics');
M.before(async (ctx) => { ctx.s = await startTestServer({ config: { metricsToken: TOKEN } }); });
M.after(async ({ s }) => s.close());

const metric = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

M('without the token /metrics answers 401 and says what is needed', async ({ s }) => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Bearer ${TOKEN}x` }] as Array<Record<string, string>>) {
    const res = await s.api('GET', '/metrics', { headers });
    assert.is(res.status, 401);
    assert.match(res.body.error.message, /METRICS_TOKEN/);
  }
});

M('stored positions, flush timings and connected sockets are counted', async ({ s }) => {
  const g = await gridByCode(s.sql, '01-1');
  const r = await responderIn(s.sql, g.id);
  const phone = s.socket({ cookie: await s.login(r.username) });
  await waitFor(phone, 'live:snapshot');
  await phone.timeout(2000).emitWithAck('duty:set', { onDuty: true });
  for (let i = 0; i < 3; i++) {
    const ack = await phone.timeout(2000).emitWithAck('location:report', { lat: g.lat, lng: g.lng + i * 1e-4, accuracy: 10, at: new Date().toISOString() });
    assert.ok(ack.ok);
  }
  const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  assert.is(metric(text, 'gridops_positions_stored_total'), 3);
  assert.ok(metric(text, 'gridops_position_flush_seconds_count') >= 1, 'flushes are timed');
  // Each stored point's time from receipt to broadcast: at least the wait for its flush, well under a second here.
  assert.is(metric(text, 'gridops_position_delay_seconds_count'), 3);
  assert.ok(metric(text, 'gridops_position_delay_seconds_sum') / 3 < 1, 'receipt → broadcast well under a second');
  assert.ok(metric(text, 'gridops_sockets_connected') >= 1);
  assert.ok(metric(text, 'gridops_nodejs_eventloop_lag_p99_seconds') >= 0, 'process metrics are there too');
  assert.ok(metric(text, 'gridops_process_resident_memory_bytes') > 0 && metric(text, 'gridops_nodejs_heap_size_used_bytes') > 0);
  // …but none that walks every connection on each scrape (with a city's phones connected that held the event loop
  // for 100+ ms a scrape: the bench's blocks analysis).
  for (const name of PER_CONNECTION_COLLECTORS) assert.not.match(text, new RegExp(`^${name}[ {]`, 'm'), name);
});

M('with no METRICS_TOKEN configured the endpoint is off', async () => {
  const other = await startTestServer();
  try {
    const res = await other.api('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.is(res.status, 404);
  } finally {
    await other.close();
  }
});

M.run();
