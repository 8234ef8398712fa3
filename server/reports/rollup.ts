// Keeps the report rollups (migrations 020, 021) current, ticket by ticket: the queued tickets' facts rows are derived
// again from the raw tables; a settled row replaces the stored one, and the cells of its day (and week and month, for
// the wide dimensions and the histograms) get the difference — minus the old row, plus the new — in the same
// transaction.
import { COUNTERS, HIST_METRICS, HIST_UNIT_S } from '../../shared/metrics.ts';
import { CLOCK_EXCLUDED_STATUSES } from '../../shared/sla.ts';
import { LATE_CAUSES, WHY_LATE_THRESHOLDS } from '../../shared/why-late.ts';
import type { Sql } from '../db/connect.ts';
import { counterColumns, DIMS, dimKeySql, histValuesSql, SATISFIED_MIN_RATING, settlesAtSql, type Dim } from './counters.ts';
import { FACT_COLUMNS, factsSql, type Fragment, type Q } from './facts.ts';
import { constantSql } from '../db/sql-text.ts';

/**
 * Dimensions also rolled up per week and per month (a year's report reads 12 months and the odd days, a rolling 30
 * days about four weeks and the odd days); the day is per day only.
 */
export const MONTH_DIMS: readonly Dim[] = ['dowhour', 'category', 'channel', 'cause', 'grid', 'responder'];

/** The cells' periods: the local day, the local ISO week (its Monday) and the month (its 1st), as SQL on `f.day`. */
export type Grain = 'd' | 'w' | 'm';
const GRAIN_PERIOD: Record<Grain, string> = { d: 'f.day', w: "date_trunc('week', f.day)::date", m: "date_trunc('month', f.day)::date" };
const GRAINS: ReadonlyArray<readonly [Grain, readonly Dim[]]> = [['d', DIMS], ['w', MONTH_DIMS], ['m', MONTH_DIMS]];

/**
 * Everything the stored facts and cells depend on besides the tickets: another layout rebuilds them, so changing a
 * counter, a dimension or a rule never mixes old and new definitions.
 */
export const LAYOUT = fingerprint(JSON.stringify({ v: 5, COUNTERS, DIMS, MONTH_DIMS, GRAINS, GRAIN_PERIOD, HIST_METRICS, HIST_UNIT_S, LATE_CAUSES, WHY_LATE_THRESHOLDS, CLOCK_EXCLUDED_STATUSES, SATISFIED_MIN_RATING, FACT_COLUMNS }));

function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h.toString(16).padStart(8, '0');
}

const COLS = FACT_COLUMNS.join(', ');
const addUp = (cols: readonly string[], table: string) => cols.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ');
/** The processed tickets left out of report_facts (unsettled), with when they settle; `ids`: only these. */
function recordUnsettled(tx: Q, so: string, ids: string[] | null): Fragment {
  return tx`
    INSERT INTO report_unsettled (id, street_office_id, reported_at, settles_at)
    SELECT t.id, t.street_office_id, t.reported_at, ${settlesAtSql(tx, 't')} FROM tickets t
    WHERE t.street_office_id = ${so} ${ids ? tx`AND t.id = ANY(${ids}::bigint[])` : tx``}
      AND NOT EXISTS (SELECT 1 FROM report_facts rf WHERE rf.id = t.id)`;
}

interface Office { id: string; utc_offset_min: number }

/** True when the office's rollups were built with the current layout and UTC offset (else reports ignore them). */
export async function rollupsCurrent(sql: Q, streetOfficeId: string, utcOffsetMin: number): Promise<boolean> {
  const [s] = await sql<{ layout: string; utc_offset_min: number }[]>`SELECT layout, utc_offset_min FROM report_state WHERE street_office_id = ${streetOfficeId}`;
  return !!s && s.layout === LAYOUT && s.utc_offset_min === utcOffsetMin;
}

/**
 * One batch of queued tickets, judged at `atMs` (default the database's now; tests pass a fixed clock, never later
 * than now): old rows out, settled new rows in, the difference into the cells and histograms, the queue entries
 * deleted — one snapshot, one statement for the facts and both rollups. Each touched cell is an upsert, so this is
 * for the trickle of changes; a whole office is built by rebuildAll().
 */
async function applyBatch(sql: Sql, so: Office, ticketIds: string[], atMs?: number): Promise<void> {
  await sql.begin('ISOLATION LEVEL REPEATABLE READ', async (tx) => {
    const [{ now }] = await tx<{ now: Date }[]>`SELECT ${atMs == null ? tx`now()` : tx`least(now(), ${new Date(atMs)}::timestamptz)`} AS now`;
    const facts = factsSql(tx, tx`t.id = ANY(${ticketIds}::bigint[]) AND t.street_office_id = ${so.id}`);
    const settled = tx`(${settlesAtSql(tx, 'f0')} IS NULL OR ${settlesAtSql(tx, 'f0')} < ${now})`;
    // "Now" as a column of f (bound once below), so that the cells' and histograms' SQL is constant: built once per
    // process as text (server/db/sql-text.ts), not ~2,500 fragments a batch.
    const cellRows = tx.unsafe(constantSql('rollup cell rows', () => {
      const w = tx`f.w`, fnow = tx`f.now_`;
      return GRAINS.flatMap(([grain, dims]) => dims.map((dim) => tx`
        SELECT ${tx.unsafe(`'${grain}'`)} AS grain, ${tx.unsafe(GRAIN_PERIOD[grain])} AS period,
          ${tx.unsafe(`'${dim}'`)} AS dim, ${dimKeySql(tx, dim, fnow)} AS key, ${counterColumns(tx, fnow, 'f', w)}
        FROM f GROUP BY 2, 4`)).reduce((a, b) => tx`${a} UNION ALL ${b}`);
    }));
    const histRows = tx.unsafe(constantSql('rollup hist rows', () => GRAINS.map(([grain]) => tx`
      SELECT ${tx.unsafe(`'${grain}'`)} AS grain, ${tx.unsafe(GRAIN_PERIOD[grain])} AS period, v.metric, v.value, sum(f.w) AS n
      FROM f CROSS JOIN LATERAL ${histValuesSql(tx, 'f')} AS v(metric, value) WHERE v.value IS NOT NULL GROUP BY 2, 3, 4`).reduce((a, b) => tx`${a} UNION ALL ${b}`)));
    await tx`
      WITH old AS (DELETE FROM report_facts WHERE id = ANY(${ticketIds}::bigint[]) RETURNING ${tx.unsafe(COLS)}),
      new AS (
        INSERT INTO report_facts (${tx.unsafe(COLS)})
        SELECT ${tx.unsafe(FACT_COLUMNS.map((c) => `f0.${c}`).join(', '))} FROM ${facts} f0 WHERE ${settled}
        RETURNING ${tx.unsafe(COLS)}),
      f AS MATERIALIZED (SELECT -1 AS w, old.*, ${now}::timestamptz AS now_ FROM old UNION ALL SELECT 1, new.*, ${now}::timestamptz FROM new),
      cells AS (
        INSERT INTO report_cells (street_office_id, grain, period, dim, key, ${tx.unsafe(COUNTERS.join(', '))})
        SELECT ${so.id}, x.* FROM (${cellRows}) x
        ON CONFLICT (street_office_id, grain, dim, period, key) DO UPDATE SET ${tx.unsafe(addUp(COUNTERS, 'report_cells'))}
        RETURNING 1),
      hist AS (
        INSERT INTO report_hist (street_office_id, grain, period, metric, value, n)
        SELECT ${so.id}, y.* FROM (${histRows}) y
        ON CONFLICT (street_office_id, grain, metric, period, value) DO UPDATE SET n = report_hist.n + EXCLUDED.n
        RETURNING 1)
      SELECT (SELECT count(*) FROM cells) + (SELECT count(*) FROM hist) AS touched`;
    await tx`DELETE FROM report_unsettled WHERE id = ANY(${ticketIds}::bigint[])`;
    await recordUnsettled(tx, so.id, ticketIds);
    // Every entry of these tickets this snapshot sees is covered by what was just read; later ones stay queued.
    await tx`DELETE FROM report_queue WHERE ticket_id = ANY(${ticketIds}::bigint[])`;
  });
}

/**
 * Builds an office's rollups from scratch in one snapshot (first run, or a new layout or offset): every settled
 * ticket's facts row, then the cells and histograms grouped from them, then the queue emptied of what was covered.
 */
export async function rebuildAll(sql: Sql, so: Office, atMs?: number): Promise<number> {
  return sql.begin('ISOLATION LEVEL REPEATABLE READ', async (tx) => {
    const [{ now }] = await tx<{ now: Date }[]>`SELECT ${atMs == null ? tx`now()` : tx`least(now(), ${new Date(atMs)}::timestamptz)`} AS now`;
    await tx`DELETE FROM report_facts WHERE street_office_id = ${so.id}`;
    await tx`DELETE FROM report_cells WHERE street_office_id = ${so.id}`;
    await tx`DELETE FROM report_hist WHERE street_office_id = ${so.id}`;
    await tx`DELETE FROM report_unsettled WHERE street_office_id = ${so.id}`;
    const facts = factsSql(tx, tx`t.street_office_id = ${so.id}`);
    const settled = tx`(${settlesAtSql(tx, 'f0')} IS NULL OR ${settlesAtSql(tx, 'f0')} < ${now})`;
    const inserted = await tx`
      INSERT INTO report_facts (${tx.unsafe(COLS)})
      SELECT ${tx.unsafe(FACT_COLUMNS.map((c) => `f0.${c}`).join(', '))} FROM ${facts} f0 WHERE ${settled}`;
    const stored = tx`(SELECT * FROM report_facts WHERE street_office_id = ${so.id})`;
    for (const [grain, dims] of GRAINS) {
      const period = tx.unsafe(GRAIN_PERIOD[grain]);
      for (const dim of dims) {
        await tx`
          INSERT INTO report_cells (street_office_id, grain, period, dim, key, ${tx.unsafe(COUNTERS.join(', '))})
          SELECT ${so.id}, ${grain}, ${period}, ${dim}, ${dimKeySql(tx, dim, now)}, ${counterColumns(tx, now, 'f')}
          FROM ${stored} f GROUP BY 3, 5`;
      }
      await tx`
        INSERT INTO report_hist (street_office_id, grain, period, metric, value, n)
        SELECT ${so.id}, ${grain}, ${period}, v.metric, v.value, count(*)
        FROM ${stored} f CROSS JOIN LATERAL ${histValuesSql(tx, 'f')} AS v(metric, value) WHERE v.value IS NOT NULL GROUP BY 3, 4, 5`;
    }
    await recordUnsettled(tx, so.id, null);
    await tx`DELETE FROM report_queue q USING tickets t WHERE t.id = q.ticket_id AND t.street_office_id = ${so.id}`;
    await tx`
      INSERT INTO report_state (street_office_id, layout, utc_offset_min) VALUES (${so.id}, ${LAYOUT}, ${so.utc_offset_min})
      ON CONFLICT (street_office_id) DO UPDATE SET layout = EXCLUDED.layout, utc_offset_min = EXCLUDED.utc_offset_min`;
    return inserted.count;
  });
}

export interface RefreshResult { tickets: number; batches: number; pending: number; settledByTime: number; rebuilt: number }

/**
 * One pass of the rollup job (one instance at a time, server/reports/job.ts): queue the tickets that settled by time
 * alone since they were last seen, then work through the queue in batches while the time budget lasts.
 */
export async function refreshRollups(sql: Sql, opts: { budgetMs?: number; nowMs?: number; batch?: number } = {}): Promise<RefreshResult> {
  const started = Date.now(), budget = opts.budgetMs ?? Number.POSITIVE_INFINITY, size = opts.batch ?? 1000;
  const out: RefreshResult = { tickets: 0, batches: 0, pending: 0, settledByTime: 0, rebuilt: 0 };
  for (const so of await sql<Office[]>`SELECT id, utc_offset_min FROM street_offices ORDER BY id`) {
    if (!(await rollupsCurrent(sql, so.id, so.utc_offset_min))) out.rebuilt += await rebuildAll(sql, so, opts.nowMs);
    const at = opts.nowMs == null ? sql`now()` : sql`least(now(), ${new Date(opts.nowMs)}::timestamptz)`;
    const woke = await sql`
      INSERT INTO report_queue (ticket_id)
      SELECT u.id FROM report_unsettled u
      WHERE u.street_office_id = ${so.id} AND u.settles_at < ${at}
        AND NOT EXISTS (SELECT 1 FROM report_queue q WHERE q.ticket_id = u.id)`;
    out.settledByTime += woke.count;
    while (Date.now() - started < budget) {
      const batch = (await sql<{ ticket_id: string }[]>`
        SELECT q.ticket_id FROM report_queue q JOIN tickets t ON t.id = q.ticket_id
        WHERE t.street_office_id = ${so.id} GROUP BY q.ticket_id ORDER BY min(q.id) LIMIT ${size}`).map((r) => r.ticket_id);
      if (batch.length === 0) break;
      await applyBatch(sql, so, batch, opts.nowMs);
      out.tickets += batch.length;
      out.batches++;
    }
    const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM report_queue q JOIN tickets t ON t.id = q.ticket_id WHERE t.street_office_id = ${so.id}`;
    out.pending += n;
  }
  // Deleted tickets (tests, data repairs): their stored rows leave the rollups, their queue entries go.
  const gone = await sql<{ ticket_id: string; so: string; utc: number }[]>`
    SELECT DISTINCT q.ticket_id, rf.street_office_id AS so, s.utc_offset_min AS utc FROM report_queue q
    JOIN report_facts rf ON rf.id = q.ticket_id JOIN street_offices s ON s.id = rf.street_office_id
    WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = q.ticket_id)`;
  for (const g of gone) await applyBatch(sql, { id: g.so, utc_offset_min: g.utc }, [g.ticket_id], opts.nowMs);
  await sql`DELETE FROM report_queue q WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = q.ticket_id)`;
  return out;
}
