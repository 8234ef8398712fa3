// `--pg-statements`: where PostgreSQL's time went in the main positions phase, by statement (pg_stat_statements,
// preloaded in the bench's own cluster only). The database-side companion of --cpu-profile: which of the live path's,
// dispatch's and the jobs' statements the cores spent their share on.
import type { Sql } from '../../server/db/connect.ts';

export interface StatementCost { query: string; calls: number; total_ms: number; mean_ms: number; rows: number; pct: number }

export async function resetStatements(sql: Sql): Promise<void> {
  await sql`SELECT pg_stat_statements_reset()`;
}

/** The statements with the most execution time since the reset (`by: 'rows'`: the most rows returned — the rows the
 *  server's postgres.js parses and holds), each with its share of all execution time. */
export async function topStatements(sql: Sql, limit = 12, by: 'time' | 'rows' = 'time'): Promise<{ total_ms: number; calls: number; top: StatementCost[] }> {
  const [all] = await sql<{ total: number; calls: number }[]>`
    SELECT coalesce(sum(total_exec_time), 0)::float8 AS total, coalesce(sum(calls), 0)::float8 AS calls FROM pg_stat_statements
    WHERE query NOT LIKE '%pg_stat_statements%'`;
  const rows = await sql<{ query: string; calls: number; total: number; rows: number }[]>`
    SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls::float8 AS calls, total_exec_time::float8 AS total, rows::float8 AS rows
    FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'
    ORDER BY ${by === 'rows' ? sql`rows` : sql`total_exec_time`} DESC LIMIT ${limit}`;
  return {
    total_ms: Math.round(all.total), calls: all.calls,
    top: rows.map((r) => ({
      query: r.query.slice(0, 2000), calls: r.calls, total_ms: Math.round(r.total), mean_ms: Math.round((r.total / Math.max(1, r.calls)) * 100) / 100,
      rows: r.rows, pct: all.total > 0 ? Math.round((r.total / all.total) * 1000) / 10 : 0,
    })),
  };
}
