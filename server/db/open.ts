// Opens the database: DATABASE_URL when set, otherwise the embedded PostgreSQL under DATA_DIR/pg.
import path from 'node:path';
import type { Config } from '../config.ts';
import { connect, type Sql } from './connect.ts';
import { startEmbedded } from './embedded.ts';

export interface Database { sql: Sql; url: string; embedded: boolean; close(): Promise<void> }

export async function openDatabase(config: Config, log: (m: string) => void): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded: (() => Promise<void>) | null = null;
  if (!url) {
    const dir = path.join(config.dataDir, 'pg');
    log(`starting embedded PostgreSQL in ${dir} on 127.0.0.1:${config.embeddedPgPort}`);
    const db = await startEmbedded(dir, config.embeddedPgPort);
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
