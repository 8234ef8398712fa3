// Property-based fuzzing of every REST route (read from the app's own route table: a new route is fuzzed without
// anyone remembering to) and every socket event (from the contract in shared/events.ts), as every kind of caller.
// Asserted: the process lives, every answer is a 4xx or a success (never a 5xx, never a hang), and a refused request
// changed nothing in the database. FUZZ_RUNS sets the runs per route and per event (default: a bounded run).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CLIENT_EVENTS } from '../shared/events.ts';
import { createSession } from '../server/auth/sessions.ts';
import { startTestServer, waitFor, type LiveClient, type TestServer } from './helpers/server.ts';
import { gridByCode, newTicket, noAutoDispatch } from './helpers/fixtures.ts';
import { dbFingerprint } from './helpers/fingerprint.ts';
import { childText, parseXml } from './helpers/open311.ts';
import { io as ioClient } from 'socket.io-client';
import { TRACK_CLIENT_EVENTS, TRACK_NAMESPACE } from '../shared/events.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
/** FUZZ_SEED replays a failing run (fast-check prints the seed). */
const SEED = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {};
const USERS = ['admin', 'duty', 'leader01', 'manager', 'r001'] as const;
type Caller = (typeof USERS)[number] | 'display' | 'nobody';
const CALLERS: readonly Caller[] = [...USERS, 'display', 'nobody'];

interface Ctx { s: TestServer; ticketId: string; trackingCode: string; crashes: unknown[]; onCrash: (e: unknown) => void }
const F = suite<Ctx>('fuzz');

F.before(async (ctx) => {
  ctx.crashes = [];
  ctx.onCrash = (e) => ctx.crashes.push(e);
  process.on('uncaughtException', ctx.onCrash);
  process.on('unhandledRejection', ctx.onCrash);
  ctx.s = await startTestServer();
  await noAutoDispatch(ctx.s.sql);
  const duty = await ctx.s.login('duty');
  const g = await gridByCode(ctx.s.sql, '01-1');
  ctx.ticketId = (await ctx.s.api('POST', '/api/tickets', { cookie: duty, body: newTicket(g) })).body.id;
  ctx.trackingCode = (await ctx.s.api('POST', '/api/public/reports', { body: { category: 'clutter', lat: g.lat, lng: g.lng } })).body.trackingCode;
});
F.after(async ({ s, onCrash }) => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await s.close();
});

/** Fresh credentials for a caller before each request (a fuzzed logout or disable must not starve later runs). */
async function credentials(s: TestServer, who: Caller): Promise<Record<string, string>> {
  if (who === 'nobody') return {};
  if (who === 'display') return { authorization: `Display ${s.displayToken}` };
  await s.sql`UPDATE users SET disabled = false WHERE username = ${who}`;
  const [u] = await s.sql<{ id: string }[]>`SELECT id FROM users WHERE username = ${who}`;
  const { token } = await createSession(s.sql, u.id, 1);
  return { cookie: `gridops_session=${token}` };
}

// Values that have broken servers before: ids that are not ids, paths that climb, huge and odd numbers, markup.
const nasty = fc.constantFrom('', '0', '-1', '1', '9'.repeat(30), '1e309', 'NaN', '../../etc/passwd', '%00', '<script>', '\u0000', ' ', '__proto__', 'constructor', '💥');
const scalar = fc.oneof(nasty, fc.string({ maxLength: 30 }), fc.string({ unit: 'grapheme', maxLength: 12 }), fc.integer().map(String), fc.double().map(String));
const FIELDS = ['api_key', 'service_code', 'long', 'address_string', 'attribute', 'name', 'phone', 'attributes', 'responderId', 'reason', 'note', 'department', 'timeLimitHours', 'rating', 'comment', 'category', 'channel', 'description',
  'lat', 'lng', 'accuracy', 'at', 'address', 'reporterName', 'reporterPhone', 'urgency', 'gridId', 'idempotencyKey', 'onDuty', 'username',
  'password', 'label', 'communityId', 'duplicateOf', 'expectOfferId', 'type', 'features', '__proto__'];
const value: fc.Arbitrary<unknown> = fc.oneof(scalar, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('clutter', 'hotline', 'normal', 'urgent', 'chengguan', 38.3, 116.84, 5, 'x'.repeat(3000)));
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }), // not JSON at all
  fc.constant('{"a":'), fc.constant('x'.repeat(300_000)), // truncated, oversized
  fc.uint8Array({ maxLength: 2000 }), // binary
  fc.constant(undefined),
);
const contentType = fc.option(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'image/jpeg', 'multipart/form-data; boundary=x', 'application/json; charset=latin1'), { nil: undefined });
const query = fc.dictionary(fc.constantFrom('status', 'gridId', 'communityId', 'limit', 'before', 'from', 'to', 'by', 'format', 'q', 'category', 'lat', 'lng', 'onDuty', 'overdue', 'token', 'excludeId', 'radiusM', 'jurisdiction_id', 'service_request_id', 'service_code', 'start_date', 'end_date', 'page', 'page_size', 'extensions', 'grid', 'community'), scalar, { maxKeys: 4 });

F('every REST route, as every caller, with random and malformed input: a 4xx or a success, and a refusal changes nothing', async ({ s, ticketId, crashes }) => {
  assert.ok(s.app.routes.length >= 30, 'the table lists the routes');
  for (const route of s.app.routes) {
    await explained(fc.assert(fc.asyncProperty(
      fc.constantFrom(...CALLERS), fc.array(fc.oneof(fc.constant(ticketId), scalar), { minLength: 4, maxLength: 4 }), query, body, contentType,
      fc.option(fc.constantFrom('https://evil.example', 'null'), { nil: undefined }), fc.option(fc.stringMatching(/^[\x21-\x7e]{0,150}$/), { nil: undefined }),
      async (who, params, q, payload, type, origin, key) => {
        let i = 0;
        // Optional groups ({.:format}) are sent filled in: their parameter is fuzzed like any other.
        const path = route.path.replace(/\{([^}]*)\}/g, '$1').replace(/:[a-z]+/gi, () => encodeURIComponent(params[i++] ?? '1'));
        const search = new URLSearchParams(q as Record<string, string>).toString();
        const headers: Record<string, string> = { ...(await credentials(s, who)) };
        if (type) headers['content-type'] = type;
        if (origin) headers.origin = origin;
        if (key !== undefined) headers['idempotency-key'] = key;
        const before = await dbFingerprint(s.sql);
        const res = await fetch(`${s.url}${path}${search ? `?${search}` : ''}`, {
          method: route.method, headers, body: route.method === 'GET' ? undefined : payload, signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        assert.ok(res.status < 500, `${route.method} ${path} as ${who} → ${res.status} ${text.slice(0, 300)}`);
        if (res.status >= 400) {
          assert.is(await dbFingerprint(s.sql), before, `${route.method} ${path} as ${who} was refused (${res.status}) but changed the database`);
          if (route.path.startsWith('/api/')) assert.ok(JSON.parse(text).error.message, 'a refusal says why');
          // Open311 refuses in the spec's errors element, in JSON for .json paths and XML otherwise.
          if (route.path.startsWith('/open311/')) {
            const why = (res.headers.get('content-type') ?? '').startsWith('application/json') ? JSON.parse(text)[0]?.description : childText(parseXml(text).children[0], 'description');
            assert.ok(why, `${route.method} ${path}: a refusal says why in the spec's errors element`);
          }
        }
      }), { numRuns: RUNS, endOnFailure: true, ...SEED }), `${route.method} ${route.path}`);
  }
  assert.equal(crashes, []);
  assert.is((await fetch(`${s.url}/healthz`)).status, 200);
});

/** fast-check's error keeps the failed assertion as its cause: say it, briefly (counterexamples can be 300 kB). */
async function explained(run: Promise<void>, what: string): Promise<void> {
  try { await run; } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? '';
    const seed = /seed: (-?\d+)/.exec((e as Error).message)?.[1];
    throw new Error(`${what}: ${cause.slice(0, 600)} (replay: FUZZ_SEED=${seed})`);
  }
}

type Raw = { connected: boolean; emit(e: string, ...args: unknown[]): void; close(): void };

F('every socket event, as every caller, with random arguments, acks in the wrong place, binary and oversized payloads', async ({ s, crashes }) => {
  const sockets = new Map<Caller, LiveClient>();
  const open = async (who: Caller): Promise<LiveClient | null> => {
    const cur = sockets.get(who);
    if (cur?.connected) return cur;
    if (who === 'nobody') return null;
    const creds = await credentials(s, who);
    const sock = s.socket(who === 'display' ? { displayToken: s.displayToken } : { cookie: creds.cookie });
    await waitFor(sock, 'live:snapshot', () => true, 5000);
    sockets.set(who, sock);
    return sock;
  };
  // A responder on duty, so that valid positions are taken too.
  await s.api('POST', '/api/duty', { cookie: (await credentials(s, 'r001')).cookie, body: { onDuty: true } });
  const events = [...Object.keys(CLIENT_EVENTS), 'tickets:steal', '__proto__', ''];
  const arg = fc.oneof(value, fc.uint8Array({ maxLength: 100 }), fc.constant({ lat: 38.3, lng: 116.84, accuracy: 5, at: new Date().toISOString() }),
    fc.constant({ onDuty: true }), fc.constant('x'.repeat(70_000)));
  await explained(fc.assert(fc.asyncProperty(
    fc.constantFrom(...CALLERS.filter((c) => c !== 'nobody')), fc.constantFrom(...events),
    fc.array(fc.oneof(arg, fc.constant('ACK')), { maxLength: 4 }), fc.boolean(),
    async (who, event, shape, ackLast) => {
      const sock = (await open(who)) as unknown as Raw;
      const before = await dbFingerprint(s.sql);
      let answered: ((r: { ok: boolean; error?: { code: string } }) => void) | null = null;
      // Dropped: no answer within 5 s, or the socket was cut off (a payload too large for the transport, by design).
      const reply = new Promise<{ ok: boolean; error?: { code: string } } | 'dropped'>((resolve) => {
        answered = resolve;
        const timer = setTimeout(() => resolve('dropped'), 5000);
        (sock as unknown as LiveClient).once('disconnect', () => { clearTimeout(timer); resolve('dropped'); });
      });
      const ack = (r: { ok: boolean }) => answered!(r);
      const args = shape.map((a) => (a === 'ACK' ? () => {} : a));
      sock.emit(event, ...(ackLast ? [...args, ack] : args));
      if (ackLast) {
        const r = await reply;
        if (r === 'dropped') assert.not.ok(sock.connected, `${event} as ${who}: an ack was given, so an answer is due`);
        else if (!r.ok) assert.is(await dbFingerprint(s.sql), before, `${event} as ${who} was refused (${r.error?.code}) but changed the database`);
      } else {
        await new Promise((r) => setTimeout(r, 20));
        assert.is(await dbFingerprint(s.sql), before, `${event} as ${who} without an ack changed the database`);
      }
    }), { numRuns: RUNS * 10, endOnFailure: true, ...SEED }), 'socket events');
  for (const sock of sockets.values()) sock.close();
  assert.equal(crashes, []);
  assert.is((await fetch(`${s.url}/healthz`)).status, 200);
});

F('the tracking namespace: random events and arguments from a tracking page are answered or refused, never crash it', async ({ s, trackingCode, crashes }) => {
  const sock = ioClient(`${s.url}${TRACK_NAMESPACE}`, { auth: { code: trackingCode }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => { sock.once('track:view', () => resolve()); sock.once('connect_error', reject); });
  const raw = sock as unknown as Raw;
  const events = [...Object.keys(TRACK_CLIENT_EVENTS), ...Object.keys(CLIENT_EVENTS), '__proto__', ''];
  await explained(fc.assert(fc.asyncProperty(fc.constantFrom(...events), fc.array(value, { maxLength: 3 }), fc.boolean(), async (event, args, ackLast) => {
    const before = await dbFingerprint(s.sql);
    const reply = new Promise<{ ok: boolean } | 'dropped'>((resolve) => {
      const timer = setTimeout(() => resolve('dropped'), 5000);
      raw.emit(event, ...(ackLast ? [...args, (r: { ok: boolean }) => { clearTimeout(timer); resolve(r); }] : args));
      if (!ackLast) { clearTimeout(timer); setTimeout(() => resolve('dropped'), 20); }
    });
    const r = await reply;
    if (ackLast && r === 'dropped') assert.not.ok(raw.connected, `${event}: an ack was given, so an answer is due`);
    assert.is(await dbFingerprint(s.sql), before, `${event} from a tracking page changed the database`);
  }), { numRuns: RUNS * 5, endOnFailure: true, ...SEED }), 'tracking namespace');
  sock.close();
  assert.equal(crashes, []);
});

F.run();
