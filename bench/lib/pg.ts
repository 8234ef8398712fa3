// A throwaway PostgreSQL for one bench run: embedded, in a temp folder, migrated; removed again on stop.
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbedded } from '../../server/db/embedded.ts';
import { connect, type Sql } from '../../server/db/connect.ts';
import { migrate } from '../../server/db/migrate.ts';

export interface BenchDb { url: string; sql: Sql; dataDir: string; postmasterPid(): Promise<number | null>; stop(): Promise<void> }

import { anyFreePort } from '../../server/db/embedded.ts';

export const freePort = anyFreePort;

/** `statements`: pg_stat_statements preloaded and created (bench/lib/pg-statements.ts reads it). */
export async function startBenchDb(log: (m: string) => void = () => {}, o: { statements?: boolean } = {}): Promise<BenchDb> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gridops-bench-'));
  // As root the cluster folder is handed to the postgres OS user, which must be able to enter its parent.
  await chmod(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  let db: Awaited<ReturnType<typeof startEmbedded>>;
  try {
    db = await startEmbedded(dataDir, await freePort(), log, 'gridops_bench', o.statements ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } : {});
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const sql = connect(db.url, { max: 4, applicationName: 'grid-ops-bench' });
  await migrate(sql);
  if (o.statements) await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
  return {
    url: db.url, sql, dataDir,
    // The first line of postmaster.pid is the postmaster's pid: its children are the backends whose CPU we add up.
    postmasterPid: async () => Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]) || null,
    async stop() {
      await sql.end({ timeout: 2 }).catch(() => {});
      await db.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
