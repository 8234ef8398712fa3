// Forward-only numbered SQL migrations, applied once each, under an advisory lock so instances can start together.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from './connect.ts';
import { ADVISORY_LOCKS } from './locks.ts';

export const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK = ADVISORY_LOCKS.migrate;

export async function migrationFiles(): Promise<string[]> {
  return (await readdir(migrationsDir)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
}

export async function migrate(sql: Sql): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`;
    const done = new Set((await tx<{ name: string }[]>`SELECT name FROM schema_migrations`).map((r) => r.name));
    for (const file of await migrationFiles()) {
      if (done.has(file)) continue;
      await tx.unsafe(await readFile(path.join(migrationsDir, file), 'utf8'));
      await tx`INSERT INTO schema_migrations (name) VALUES (${file})`;
      applied.push(file);
    }
  });
  return applied;
}

/** True when every migration file has been applied: what /readyz checks. */
export async function migrationsApplied(sql: Sql): Promise<boolean> {
  const files = await migrationFiles();
  const rows = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = ANY(${files})`;
  return rows[0].n === files.length;
}
