// Constant SQL rendered to text once (server/db/sql-text.ts): the text is exactly what postgres.js itself renders
// from the fragments (its `describe()` returns the statement it parsed), for every list the reports and the rollup
// job cache, and a fragment carrying a parameter is refused rather than inlined.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase } from './helpers/db.ts';
import type { Sql } from '../server/db/connect.ts';
import { constantSql, sqlText } from '../server/db/sql-text.ts';
import { counterColumns, DIMS, dimKeySql, histValuesSql, summedColumns } from '../server/reports/counters.ts';
import { FACT_COLUMNS } from '../server/reports/facts.ts';
import { HIST_METRICS } from '../shared/metrics.ts';

const T = suite<{ sql: Sql; drop(): Promise<void> }>('constant SQL as text');

T.before(async (ctx) => {
  const db = await freshDatabase();
  ctx.sql = db.sql; ctx.drop = db.drop;
});
T.after(async ({ drop }) => drop());

type Frag = Parameters<typeof sqlText>[0];

/** The statement postgres.js parses for `SELECT * FROM (<body>) x` over an empty `f` of facts rows, both ways. */
async function both(sql: Sql, body: Frag) {
  const f = sql`WITH f AS (SELECT 1 AS w, ${sql.unsafe(FACT_COLUMNS.map((c) => `f0.${c}`).join(', '))}, now() AS now_ FROM report_facts f0 WHERE false)`;
  const viaFragments = await sql`${f} SELECT * FROM (${body}) x`.describe();
  const viaText = await sql`${f} SELECT * FROM (${sql.unsafe(sqlText(body))}) x`.describe();
  return { fragments: viaFragments.string, text: viaText.string, columns: viaText.columns?.length ?? 0 };
}

T('each dimension\'s counter list renders to the text postgres.js sends, and the statement parses', async ({ sql }) => {
  const now = sql`f.now_`, w = sql`f.w`;
  for (const dim of DIMS) {
    const body = sql`SELECT ${sql.unsafe(`'${dim}'`)} AS dim, ${dimKeySql(sql, dim, now)} AS key, ${counterColumns(sql, now, 'f', w)} FROM f GROUP BY 2`;
    const r = await both(sql, body);
    assert.is(r.text, r.fragments, dim);
    assert.ok(r.columns > 20, `${dim}: the counters are columns of the result`);
  }
});

T('histogram values and the summed list render the same way', async ({ sql }) => {
  const hist = sql`SELECT v.metric, v.value FROM f CROSS JOIN LATERAL ${histValuesSql(sql, 'f', HIST_METRICS)} AS v(metric, value)`;
  const h = await both(sql, hist);
  assert.is(h.text, h.fragments);
  const summed = sql`SELECT ${summedColumns(sql)} FROM (SELECT ${counterColumns(sql, sql`f.now_`, 'f')} FROM f) y`;
  const s = await both(sql, summed);
  assert.is(s.text, s.fragments);
});

T('a fragment with a parameter is refused, never inlined', ({ sql }) => {
  assert.throws(() => sqlText(sql`SELECT ${42}`), /parameter/);
  // The clock judged at a bound instant carries one: the cached lists take "now" as a column instead.
  assert.throws(() => sqlText(counterColumns(sql, new Date(), 'f')), /parameter/);
  assert.throws(() => constantSql('test: with a parameter', () => sql`SELECT ${'x'}`), /parameter/);
});

T('the memo builds once per key', ({ sql }) => {
  let builds = 0;
  const build = () => { builds++; return sql`SELECT 1`; };
  assert.is(constantSql('test: once', build), 'SELECT 1');
  assert.is(constantSql('test: once', build), 'SELECT 1');
  assert.is(builds, 1);
});

T.run();
