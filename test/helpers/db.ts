// Fresh databases for test suites: a migrated, demo-seeded template is built once, then cloned per suite.
import { connect, type Sql } from '../../server/db/connect.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seedDemoIfEmpty } from '../../server/demo/seed.ts';

const TEMPLATE = 'gridops_template';
let templateReady: Promise<void> | null = null;
let counter = 0;

export function adminUrl(database = 'postgres'): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through `npm test` (test/run.ts)');
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

async function buildTemplate() {
  const admin = connect(adminUrl(), { max: 1 });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
    await admin.unsafe(`CREATE DATABASE ${TEMPLATE}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const sql = connect(adminUrl(TEMPLATE), { max: 2 });
  try {
    await migrate(sql);
    await seedDemoIfEmpty(sql, { historyDays: 1 });
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A new database, migrated and seeded with the demo street office. */
export async function freshDatabase(opts: { empty?: boolean } = {}): Promise<{ url: string; sql: Sql; drop(): Promise<void> }> {
  const name = `gridops_t${process.pid}_${++counter}`;
  const admin = connect(adminUrl(), { max: 1 });
  try {
    if (opts.empty) await admin.unsafe(`CREATE DATABASE ${name}`);
    else {
      templateReady ??= buildTemplate();
      await templateReady;
      await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`);
    }
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = adminUrl(name);
  const sql = connect(url, { max: 10 });
  return {
    url, sql,
    async drop() {
      await sql.end({ timeout: 1 });
      const a = connect(adminUrl(), { max: 1 });
      try { await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } finally { await a.end({ timeout: 1 }); }
    },
  };
}
