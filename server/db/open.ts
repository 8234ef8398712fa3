// Opens the database: DATABASE_URL when set, otherwise the embedded PostgreSQL under DATA_DIR/pg.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { connect, type Sql } from './connect.ts';
import { anyFreePort, embeddedUrl, portFree, startEmbedded } from './embedded.ts';

/** Below the kernel's ephemeral range (32768–60999), where a busy machine's outgoing connections cannot take it. */
export const DEFAULT_EMBEDDED_PG_PORT = 25432;

export interface Database {
  sql: Sql;
  /** The live path's pool (Deps.liveSql): LIVE_POOL_SIZE connections beside DB_POOL_SIZE. */
  liveSql: Sql;
  url: string; embedded: boolean; close(): Promise<void>;
}

/**
 * The port of the embedded PostgreSQL already running on DATA_DIR/pg (a `npm start` in progress), read from its
 * postmaster.pid (line 4 is the port) when the process named there is alive; null when none runs.
 */
export async function runningEmbeddedPort(dataDir: string): Promise<number | null> {
  const text = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => null);
  if (!text) return null;
  const lines = text.split('\n');
  const pid = Number(lines[0]), port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || port <= 0) return null;
  try { process.kill(pid, 0); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'EPERM') return null; }
  return port;
}

/**
 * `shareRunning` (command-line tools): when `npm start` already runs the embedded PostgreSQL of this DATA_DIR, use it
 * instead of trying to start a second one on the same files (which PostgreSQL refuses).
 */
export async function openDatabase(config: Config, log: (m: string) => void, opts: { shareRunning?: boolean } = {}): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  const running = !url && opts.shareRunning ? await runningEmbeddedPort(config.dataDir) : null;
  if (running) {
    url = embeddedUrl(running);
    log(`using the embedded PostgreSQL already running in ${path.join(config.dataDir, 'pg')} on 127.0.0.1:${running}`);
  } else if (!url) {
    const dir = path.join(config.dataDir, 'pg');
    let port = config.embeddedPgPort ?? DEFAULT_EMBEDDED_PG_PORT;
    // Only a port someone chose must be that port; the default gives way to a free one.
    if (config.embeddedPgPort === null && !(await portFree(port))) {
      const taken = port;
      port = await anyFreePort();
      log(`port ${taken} is taken; the embedded PostgreSQL uses ${port} instead (set EMBEDDED_PG_PORT to fix it)`);
    }
    log(`starting embedded PostgreSQL in ${dir} on 127.0.0.1:${port}`);
    const db = await startEmbedded(dir, port);
    url = db.url;
    stopEmbedded = db.stop;
  }
  const sql = connect(url, { max: config.dbPoolSize });
  const liveSql = connect(url, { max: config.livePoolSize, applicationName: 'grid-ops live' });
  return {
    sql, liveSql, url, embedded: !!stopEmbedded,
    async close() {
      await Promise.all([sql.end({ timeout: 2 }), liveSql.end({ timeout: 2 })]);
      if (stopEmbedded) await stopEmbedded();
    },
  };
}
