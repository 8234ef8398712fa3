// The wall's KPI board shared by every instance (migration 060): stored per street office with the change-stream
// position it includes and what it cost, recomputed by one instance at a time under an advisory lock. Screens
// connecting, GET /api/metrics/today and each instance's change stream take the stored board when no change that moves
// it has come since, so a city's evening board (~0.35 s of PostgreSQL) is computed about once a second per street
// office at most, not per instance and per screen.
import type { KpiBoard } from '../../shared/api.ts';
import type { Change } from '../../shared/events.ts';
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import { ADVISORY_LOCKS } from '../db/locks.ts';
import { kpiBoard, startOfLocalDay } from './kpis.ts';

/** The changes that move the board: a ticket's, and the SLA clock's (a deadline passing). */
export const BOARD_CHANGE_KINDS: ReadonlyArray<Change['kind']> = ['ticket', 'sla'];
/** Recomputed at most this often after changes… */
export const KPI_MIN_INTERVAL_MS = 1000;
/** …and no sooner than this many times its own cost after the last start: the board takes at most a tenth of one
 *  database core per street office (a city's evening board costing 0.24 s is recomputed every 2.4 s). */
export const KPI_COST_FACTOR = 10;
/** A board read on its own (a screen connecting, REST) is also recomputed past this age: resolution targets pass
 *  without a change in the stream. */
export const BOARD_MAX_AGE_MS = 60_000;
/** How long an instance waits for another one's computation before computing the board itself. */
const WAIT_FOR_OTHER_MS = 3000;

export interface StoredBoard { board: KpiBoard; seq: bigint; computedAtMs: number; tookMs: number }

/** When the next computation may start, after one that started at `computedAtMs` and took `tookMs`. */
export const nextComputeAtMs = (b: Pick<StoredBoard, 'computedAtMs' | 'tookMs'>) =>
  b.computedAtMs + Math.max(KPI_MIN_INTERVAL_MS, KPI_COST_FACTOR * b.tookMs);

async function stored(sql: Sql | postgres.TransactionSql<Record<string, never>>, streetOfficeId: string): Promise<StoredBoard | null> {
  const [r] = await sql<{ board: KpiBoard; seq: string; computed_at: Date; took_ms: number; utc_offset_min: number }[]>`
    SELECT b.board, b.seq::text, b.computed_at, b.took_ms, so.utc_offset_min FROM kpi_boards b
    JOIN street_offices so ON so.id = b.street_office_id WHERE b.street_office_id = ${streetOfficeId}`;
  // Yesterday's board is no board for today, however recent.
  if (!r || r.board.since !== startOfLocalDay(Date.now(), r.utc_offset_min).toISOString()) return null;
  return { board: r.board, seq: BigInt(r.seq), computedAtMs: r.computed_at.getTime(), tookMs: r.took_ms };
}

/** The stream position of the street office's last change that moves the board. */
async function lastBoardChange(sql: Sql, streetOfficeId: string): Promise<bigint> {
  const [r] = await sql<{ seq: string | null }[]>`
    SELECT max(seq)::text AS seq FROM changes
    WHERE street_office_id = ${streetOfficeId} AND payload->>'kind' = ANY(${BOARD_CHANGE_KINDS as string[]})`;
  return BigInt(r?.seq ?? 0);
}

/**
 * A board that includes the street office's changes up to `minSeq` (default: its last one) and is at most
 * `maxAgeMs` old: the stored one if it does, else computed here and stored — unless another instance is computing
 * it right now, whose result is then awaited (up to a few seconds).
 */
export async function freshKpiBoard(sql: Sql, streetOfficeId: string, o: { minSeq?: bigint; maxAgeMs?: number } = {}): Promise<StoredBoard> {
  const minSeq = o.minSeq ?? (await lastBoardChange(sql, streetOfficeId));
  const maxAgeMs = o.maxAgeMs ?? BOARD_MAX_AGE_MS;
  const deadline = Date.now() + WAIT_FOR_OTHER_MS;
  const fresh = (b: StoredBoard) => b.seq >= minSeq && Date.now() - b.computedAtMs <= maxAgeMs;
  for (;;) {
    const have = await stored(sql, streetOfficeId);
    if (have && fresh(have)) return have;
    const mine = await sql.begin(async (tx) => {
      const [{ ok }] = await tx<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${ADVISORY_LOCKS.kpiBoard}, ${streetOfficeId}::int) AS ok`;
      if (!ok && Date.now() < deadline) return null;
      // Another instance may have stored one between our read and our lock: look again under the lock.
      const meanwhile = await stored(tx, streetOfficeId);
      if (meanwhile && fresh(meanwhile)) return meanwhile;
      // The position first: every statement of the board after it sees at least the changes up to it.
      const [{ seq }] = await tx<{ seq: string }[]>`SELECT coalesce(max(seq), 0)::text AS seq FROM changes`;
      const at = Date.now();
      const board = await kpiBoard(tx, streetOfficeId, at);
      const tookMs = Date.now() - at;
      await tx`
        INSERT INTO kpi_boards (street_office_id, board, seq, computed_at, took_ms)
        VALUES (${streetOfficeId}, ${tx.json(board as never)}, ${seq}, ${new Date(at)}, ${tookMs})
        ON CONFLICT (street_office_id) DO UPDATE
        SET board = EXCLUDED.board, seq = EXCLUDED.seq, computed_at = EXCLUDED.computed_at, took_ms = EXCLUDED.took_ms
        WHERE kpi_boards.computed_at <= EXCLUDED.computed_at`;
      return { board, seq: BigInt(seq), computedAtMs: at, tookMs };
    });
    if (mine) return mine;
    await new Promise((r) => setTimeout(r, 100));
  }
}
