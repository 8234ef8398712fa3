// Sign-in limits (per account, per client address, across instances) and the limiter's behaviour when PostgreSQL is away.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pino from 'pino';
import { Registry } from 'prom-client';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { connect } from '../server/db/connect.ts';
import { AppError } from '../shared/errors.ts';
import { createLimits, type LimitSpec } from '../server/limits/limits.ts';
import { freshDatabase } from './helpers/db.ts';
import { serverOn, startTestServer, type TestServer } from './helpers/server.ts';

const TOKEN = 'limits-test-metrics-token';
// Behind a trusted proxy on loopback, so each test can speak for its own client address through X-Forwarded-For.
const CONFIG = { metricsToken: TOKEN, trustedProxies: ['loopback'], loginAttemptsPerAccount: 3, loginAttemptsPerAccountTotal: 3, loginAttemptsPerAddress: 6, loginWindowMin: 15, loginBlockMin: 15 };

const L = suite<{ s: TestServer }>('limits');
L.before(async (ctx) => { ctx.s = await startTestServer({ config: CONFIG }); });
L.after(async ({ s }) => s.close());

function attempt(s: TestServer, username: string, password: string, from: string) {
  return s.api('POST', '/api/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': from } });
}

/** Passwords verified with argon2 so far, read from the server's own /metrics. */
async function passwordChecks(s: TestServer): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  return [...text.matchAll(/^gridops_password_checks_total\{result="\w+"\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

L('a fourth wrong guess at one account is refused with 429, Retry-After and a clear message, the right password too, without argon2', async ({ s }) => {
  const before = await passwordChecks(s);
  for (let i = 0; i < 3; i++) assert.is((await attempt(s, 'leader02', `wrong-${i}`, '198.51.100.1')).status, 401);
  const refused = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.2' },
    body: JSON.stringify({ username: 'leader02', password: 'wrong-3' }),
  });
  assert.is(refused.status, 429);
  const retry = Number(refused.headers.get('retry-after'));
  assert.ok(retry > 14 * 60 && retry <= 15 * 60, `Retry-After ${retry}`);
  const body = await refused.json();
  assert.is(body.error.code, 'rate_limited');
  assert.is(body.error.retryAfterS, retry);
  assert.match(body.error.message, '登录尝试过多，请 15 分钟后再试');
  assert.match(body.error.message, 'too many sign-in attempts');
  // The right password, from yet another address, is refused as well while the account is blocked.
  const right = await attempt(s, 'leader02', 'demo1234', '198.51.100.3');
  assert.is(right.status, 429);
  assert.is(await passwordChecks(s) - before, 3, 'the refused attempts never reached argon2');
});

L('guessing at an account from one address does not lock it for everyone else until the total across addresses is reached', async () => {
  const s = await startTestServer({ config: { ...CONFIG, loginAttemptsPerAccount: 3, loginAttemptsPerAccountTotal: 7 } });
  try {
    for (let i = 0; i < 3; i++) assert.is((await attempt(s, 'duty', `wrong-${i}`, '198.51.100.50')).status, 401);
    assert.is((await attempt(s, 'duty', 'wrong-3', '198.51.100.50')).status, 429, 'that address is stopped');
    assert.is((await attempt(s, 'duty', 'demo1234', '203.0.113.50')).status, 200, 'duty staff in the office still sign in');
    // Spread over many addresses, the account's total still stops the guessing.
    for (let i = 0; i < 7; i++) assert.is((await attempt(s, 'leader05', `w${i}`, `198.51.100.${60 + i}`)).status, 401);
    assert.is((await attempt(s, 'leader05', 'w7', '198.51.100.90')).status, 429);
  } finally {
    await s.close();
  }
});

L('a successful sign-in clears the account\'s failures', async ({ s }) => {
  const from = '198.51.100.10';
  for (const [password, status] of [['x1', 401], ['x2', 401], ['demo1234', 200], ['x3', 401], ['x4', 401], ['x5', 401], ['x6', 429]] as const) {
    assert.is((await attempt(s, 'leader03', password, from)).status, status, password);
  }
});

L('twelve guesses at once: three are checked, nine refused (the count is taken before the password is checked)', async ({ s }) => {
  const before = await passwordChecks(s);
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(s, 'leader04', `guess-${i}`, `198.51.100.${20 + i}`)));
  const statuses = answers.map((a) => a.status).sort();
  assert.equal(statuses, [...Array(3).fill(401), ...Array(9).fill(429)]);
  assert.is(await passwordChecks(s) - before, 3);
});

L('one client address guessing many accounts is refused after six, whatever X-Forwarded-For it adds on the left', async ({ s }) => {
  const client = '203.0.113.9';
  for (let i = 0; i < 6; i++) {
    // The trusted proxy (loopback) appended the client's address; what the client put before it does not count.
    assert.is((await attempt(s, `ghost${i}`, 'x', `10.0.${i}.1, ${client}`)).status, 401);
  }
  const refused = await attempt(s, 'duty', 'demo1234', `192.0.2.77, ${client}`);
  assert.is(refused.status, 429);
  assert.match(refused.body.error.message, 'too many sign-in attempts');
  // Another client behind the same proxy is not affected.
  assert.is((await attempt(s, 'duty', 'demo1234', '203.0.113.10')).status, 200);
});

L('IPv6 clients count per /64: a new address in the same prefix is the same client', async ({ s }) => {
  for (let i = 1; i <= 6; i++) assert.is((await attempt(s, `v6ghost${i}`, 'x', `2001:db8:1:2::${i}`)).status, 401);
  assert.is((await attempt(s, 'v6ghost7', 'x', '2001:db8:1:2:ffff::7')).status, 429);
  assert.is((await attempt(s, 'v6ghost7', 'x', '2001:db8:1:3::1')).status, 401);
});

L('without TRUSTED_PROXIES a forged X-Forwarded-For does not make a new client', async () => {
  const s = await startTestServer({ config: { loginAttemptsPerAccount: 100, loginAttemptsPerAddress: 4 } });
  try {
    for (let i = 0; i < 4; i++) assert.is((await attempt(s, `ghost${i}`, 'x', `10.9.9.${i}`)).status, 401);
    const refused = await attempt(s, 'duty', 'demo1234', '10.9.9.200');
    assert.is(refused.status, 429, 'the fifth attempt from 127.0.0.1 is refused, forged header or not');
  } finally { await s.close(); }
});

L('the limits hold across instances: guesses through one instance count on the other', async () => {
  const db = await freshDatabase();
  const a = await serverOn({ url: db.url, sql: db.sql }, { config: CONFIG });
  const b = await serverOn({ url: db.url, sql: db.sql }, { config: CONFIG });
  try {
    assert.is((await attempt(a, 'leader05', 'x', '198.51.100.40')).status, 401);
    assert.is((await attempt(b, 'leader05', 'x', '198.51.100.41')).status, 401);
    assert.is((await attempt(a, 'leader05', 'x', '198.51.100.42')).status, 401);
    assert.is((await attempt(b, 'leader05', 'demo1234', '198.51.100.43')).status, 429);
  } finally { await a.close(); await b.close(); await db.drop(); }
});

L('the migration\'s table has the columns rate-limiter-flexible would create', async ({ s }) => {
  const client = { query: async (q: { text: string; values?: unknown[] }) => { const rows = await s.sql.unsafe(q.text, (q.values ?? []) as never[]); return { rows, rowCount: rows.count }; } };
  await new Promise<void>((resolve, reject) => {
    new RateLimiterPostgres({ storeClient: client, storeType: 'client', tableName: 'rl_library_probe', points: 1, duration: 1, clearExpiredByTimeout: false }, (err?: Error) => (err ? reject(err) : resolve()));
  });
  const columns = (table: string) => s.sql<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }[]>`
    SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = ${table} ORDER BY ordinal_position`;
  const ours = await columns('rate_limits');
  assert.ok(ours.length > 0);
  assert.equal(ours, await columns('rl_library_probe'));
  await s.sql`DROP TABLE rl_library_probe`;
});

L('with PostgreSQL unreachable: a closed limit refuses with 503, an open one goes on counting in memory', async () => {
  // A port nothing listens on: postgres.js fails each query with ECONNREFUSED at once, as during a database restart.
  const dead = connect('postgres://nobody@127.0.0.1:9/none', { max: 1 });
  const spec = (whenStoreFails: LimitSpec['whenStoreFails']): LimitSpec => ({ points: 2, windowS: 60, blockS: 60, whenStoreFails, message: (s) => `wait ${s}s` });
  const limits = createLimits({ sql: dead, log: pino({ level: 'silent' }), registry: new Registry() }, { closed: spec('closed'), open: spec('open') });
  try {
    const err = await limits.consume('closed', 'k').then(() => null, (e) => e);
    assert.instance(err, AppError);
    assert.is(err.code, 'unavailable');
    await limits.consume('open', 'k');
    await limits.consume('open', 'k');
    const over = await limits.consume('open', 'k').then(() => null, (e) => e);
    assert.instance(over, AppError);
    assert.is(over.code, 'rate_limited');
    assert.is(over.retryAfterS, 60);
    assert.is(over.message, 'wait 60s');
  } finally { await dead.end({ timeout: 1 }); }
});

L.run();
