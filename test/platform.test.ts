// Start-up concerns: migrations from an empty database, configuration errors, health and readiness.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pino from 'pino';
import { loadConfig, testConfig } from '../server/config.ts';
import { migrate, migrationFiles, migrationsDir } from '../server/db/migrate.ts';
import { createApp } from '../server/app.ts';
import { freshDatabase } from './helpers/db.ts';
import { assertNoDemoCredentials } from '../server/demo/guard.ts';
import { hashPassword } from '../server/auth/passwords.ts';
import { anyFreePort, startEmbedded } from '../server/db/embedded.ts';
import net from 'node:net';

const P = suite('platform');

P('migrations apply to an empty database once, in order, and a second run changes nothing', async () => {
  const db = await freshDatabase({ empty: true });
  try {
    const files = await migrationFiles();
    assert.equal(await migrate(db.sql), files);
    assert.equal(await migrate(db.sql), []);
    const tables = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('tickets', 'ticket_events', 'changes', 'positions', 'offers')`;
    assert.is(tables[0].n, 5);
  } finally {
    await db.drop();
  }
});

P('two instances migrating at once do not trip over each other', async () => {
  const db = await freshDatabase({ empty: true });
  try {
    const [a, b] = await Promise.all([migrate(db.sql), migrate(db.sql)]);
    assert.is(a.length + b.length, (await migrationFiles()).length);
  } finally {
    await db.drop();
  }
});

P('/healthz answers while the process lives; /readyz only once migrated', async () => {
  const db = await freshDatabase({ empty: true });
  const app = createApp({ sql: db.sql, config: testConfig(), log: pino({ level: 'silent' }) });
  try {
    const port = await app.listen(0);
    const get = (p: string) => fetch(`http://127.0.0.1:${port}${p}`).then(async (r) => ({ status: r.status, body: await r.json() }));
    assert.is((await get('/healthz')).status, 200);
    const notReady = await get('/readyz');
    assert.is(notReady.status, 503);
    await migrate(db.sql);
    assert.is((await get('/readyz')).status, 200);
  } finally {
    await app.close();
    await db.drop();
  }
});

P('configuration: defaults, and bad values named with the reason', () => {
  const c = loadConfig({});
  assert.is(c.port, 3000);
  assert.is(c.simulate, true);
  assert.is(c.databaseUrl, null);
  assert.is(c.seedDemo, true);
  assert.is(loadConfig({ SIMULATE: 'off' }).simulate, false);
  // A real database gets no demo seed and no simulation unless asked for.
  const real = loadConfig({ DATABASE_URL: 'postgres://db.example/gridops' });
  assert.is(real.seedDemo, false);
  assert.is(real.simulate, false);
  assert.is(loadConfig({ DATABASE_URL: 'postgres://db.example/gridops', SEED_DEMO: 'true' }).seedDemo, true);
  const bad = (env: Record<string, string>) => { try { loadConfig(env); return ''; } catch (e) { return (e as Error).message; } };
  assert.match(bad({ PORT: 'eighty' }), /PORT="eighty"/);
  assert.match(bad({ SIMULATE: 'maybe' }), /SIMULATE="maybe"/);
  assert.match(bad({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL=.*must start with postgres:\/\//);
  assert.match(bad({ TILE_URL: 'http://tiles/x.png' }), /TILE_URL.*\{z\}/);
  assert.match(bad({ TILE_CRS: 'bd09' }), /TILE_CRS/);
  assert.match(bad({ LOCATION_PARTITION_TZ: 'Mars/Olympus' }), /LOCATION_PARTITION_TZ="Mars\/Olympus".*IANA/);
  assert.is(loadConfig({ LOCATION_PARTITION_TZ: 'UTC' }).locationPartitionTz, 'UTC');
});

P('the migration that partitions position history uses the configured default zone for the days it makes', async () => {
  const sql = await readFile(path.join(migrationsDir, '030_positions_partitioned.sql'), 'utf8');
  assert.ok(sql.includes(`gridops_ensure_position_partitions('${loadConfig({}).locationPartitionTz}',`));
});

P('production mode refuses a database whose demo accounts still have the demo password, unless told', async () => {
  const db = await freshDatabase();
  try {
    const refusal = await assertNoDemoCredentials(db.sql, { production: true, allowDemoAccounts: false }).then(() => '', (e: Error) => e.message);
    assert.match(refusal, /admin, duty, manager still sign in with the demo password/);
    await assertNoDemoCredentials(db.sql, { production: false, allowDemoAccounts: false });
    await assertNoDemoCredentials(db.sql, { production: true, allowDemoAccounts: true });
    const hash = await hashPassword('a real password, long enough');
    await db.sql`UPDATE users SET password_hash = ${hash} WHERE username IN ('admin', 'duty', 'manager')`;
    await assertNoDemoCredentials(db.sql, { production: true, allowDemoAccounts: false });
  } finally {
    await db.drop();
  }
});

P('the embedded PostgreSQL names the cause when its port is taken', async () => {
  const port = await anyFreePort();
  const squatter = net.createServer().listen(port, '127.0.0.1');
  await new Promise((r) => squatter.once('listening', r));
  try {
    const why = await startEmbedded('/tmp/gridops-never-created', port).then(() => '', (e: Error) => e.message);
    assert.match(why, new RegExp(`port ${port} on 127.0.0.1 is in use by another process`));
  } finally {
    squatter.close();
  }
});

P('every advisory lock id in the code and the migrations is one of the listed ones, and no two uses share one', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const { ADVISORY_LOCKS } = await import('../server/db/locks.ts');
  const ids = Object.values(ADVISORY_LOCKS);
  assert.is(new Set(ids).size, ids.length, 'distinct ids');
  const root = new URL('../server/', import.meta.url);
  const files: string[] = [];
  const walk = async (dir: URL) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(new URL(`${e.name}/`, dir));
      else if (/\.(ts|sql)$/.test(e.name)) files.push(new URL(e.name, dir).pathname);
    }
  };
  await walk(root);
  for (const f of files) {
    const text = await readFile(f, 'utf8');
    for (const m of text.matchAll(/\b7270\d\d\b/g)) {
      assert.ok((ids as readonly number[]).includes(Number(m[0])), `${f} uses advisory lock ${m[0]}, which server/db/locks.ts does not list`);
      if (!f.endsWith('locks.ts')) assert.ok(f.endsWith('.sql'), `${f}: take the id from ADVISORY_LOCKS instead of writing ${m[0]}`);
    }
  }
});

P.run();
