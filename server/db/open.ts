// Opens the database: DATABASE_URL when set, otherwise the embedded PostgreSQL under DATA_DIR/pg.
import path from 'node:path';
import type { Config } from '../config.ts';
import { connect, type Sql } from './connect.ts';
import { anyFreePort, portFree, startEmbedded } from './embedded.ts';

/** Below the kernel's ephemeral range (32768–60999), where a busy machine's outgoing connections cannot take it. */
export const DEFAULT_EMBEDDED_PG_PORT = 25432;

export interface Database { sql: Sql; url: string; embedded: boolean; close(): Promise<void> }

export async function openDatabase(config: Config, log: (m: string) => void): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!url) {
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
  return {
    sql, url, embedded: !!stopEmbedded,
    async close() {
      await sql.end({ timeout: 2 });
      if (stopEmbedded) await stopEmbedded();
    },
  };
}
