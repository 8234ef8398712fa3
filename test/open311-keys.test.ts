// Open311 API keys: `npm run open311-key` against the same database a running `npm start` uses (its embedded
// PostgreSQL in DATA_DIR, found from postmaster.pid, and DATABASE_URL), and the admin page's REST: made, shown once,
// accepted by POST requests, revoked by name or id and refused from then on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { gridByCode } from './helpers/fixtures.ts';
import { anyFreePort, startEmbedded } from '../server/db/embedded.ts';
import { connect } from '../server/db/connect.ts';
import { migrate } from '../server/db/migrate.ts';

const run = promisify(execFile);
const K = suite<{ s: TestServer }>('open311 keys');
K.before(async (ctx) => { ctx.s = await startTestServer({ start: false }); });
K.after(async ({ s }) => s.close());

const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'server/open311/key-cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }));

async function postRequest(s: TestServer, key: string) {
  const g = await gridByCode(s.sql, '01-1');
  const body = new URLSearchParams({ api_key: key, service_code: 'clutter', lat: String(g.lat), long: String(g.lng) });
  return (await fetch(`${s.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body })).status;
}

K('the command line makes a key on the embedded database a running server holds, prints it once, and revokes it by name', async () => {
  // What `npm start` leaves running: the embedded PostgreSQL of DATA_DIR/pg, on a port of its choosing.
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gridops-keys-'));
  await chmod(dataDir, 0o755);
  const db = await startEmbedded(path.join(dataDir, 'pg'), await anyFreePort());
  const sql = connect(db.url, { max: 2 });
  try {
    await migrate(sql);
    await sql`INSERT INTO street_offices (name, center_lat, center_lng) VALUES ('测试街道', 38.3, 116.85)`;
    const env = { DATA_DIR: dataDir, DATABASE_URL: '' };
    const made = await cli(['create', '市级平台'], env);
    assert.is(made.code, 0, made.stderr);
    assert.match(made.stdout.trim(), /^o311_[A-Za-z0-9_-]{43}$/);
    assert.match(made.stderr, /already running/);
    const [row] = await sql<{ name: string; key_hash: Buffer }[]>`SELECT name, key_hash FROM open311_keys`;
    assert.is(row.name, '市级平台');
    assert.not.ok(row.key_hash.toString('utf8').includes(made.stdout.trim()), 'only the hash is stored');
    const twice = await cli(['create', '市级平台'], env);
    assert.is(twice.code, 1);
    assert.match(twice.stderr, /already in use/);
    const listed = await cli(['list'], env);
    assert.match(listed.stdout, /live\s+市级平台/);
    assert.not.ok(listed.stdout.includes(made.stdout.trim()), 'a key is never printed again');
    const revoked = await cli(['revoke', '市级平台'], env);
    assert.is(revoked.code, 0, revoked.stderr);
    assert.ok((await sql`SELECT 1 FROM open311_keys WHERE revoked_at IS NOT NULL`).length === 1);
    const again = await cli(['revoke', '市级平台'], env);
    assert.is(again.code, 1);
    assert.match(again.stderr, /no live key named/);
    const usage = await cli(['rotate'], env);
    assert.is(usage.code, 1);
    assert.match(usage.stderr, /usage: npm run open311-key/);
  } finally {
    await sql.end({ timeout: 1 });
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

K('with DATABASE_URL the command line works on that database: its key is accepted by POST requests until revoked', async ({ s }) => {
  await s.app.start();
  const url = (s.sql as unknown as { options: { host: string[]; port: number[]; user: string; pass: string; database: string } }).options;
  const env = { DATABASE_URL: `postgres://${url.user}:${url.pass}@${url.host[0]}:${url.port[0]}/${url.database}` };
  const made = await cli(['create', 'city-app'], env);
  assert.is(made.code, 0, made.stderr);
  const key = made.stdout.trim();
  assert.is(await postRequest(s, key), 201);
  assert.is((await cli(['revoke', 'city-app'], env)).code, 0);
  assert.is(await postRequest(s, key), 403, 'revoked keys stop at once');
});

K('the admin page\'s REST: list, create (shown once), revoke; admins only', async ({ s }) => {
  const admin = await s.login('admin');
  const duty = await s.login('duty');
  assert.is((await s.api('GET', '/api/admin/open311-keys', { cookie: duty })).status, 403);
  const made = await s.api('POST', '/api/admin/open311-keys', { cookie: admin, body: { name: '区级网格平台' } });
  assert.is(made.status, 201);
  assert.match(made.body.key, /^o311_/);
  const listed = await s.api('GET', '/api/admin/open311-keys', { cookie: admin });
  assert.match(listed.body.endpoint, /\/open311\/v2$/);
  assert.is(listed.body.jurisdictionId, 'street-office-1');
  const mine = listed.body.keys.find((k: { name: string }) => k.name === '区级网格平台');
  assert.is(mine.createdBy, '系统管理员');
  assert.not.ok(JSON.stringify(listed.body).includes(made.body.key), 'the list never shows a key');
  assert.is(await postRequest(s, made.body.key), 201);
  const gone = await s.api('POST', `/api/admin/open311-keys/${mine.id}/revoke`, { cookie: admin });
  assert.ok(gone.body.revokedAt);
  assert.is(await postRequest(s, made.body.key), 403);
  assert.is((await s.api('POST', '/api/admin/open311-keys', { cookie: admin, body: { name: '' } })).status, 400);
});

K.run();
