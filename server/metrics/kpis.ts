// KPI board for a street office (the wall): today's counters from the reports' own SQL (server/reports/read.ts, raw,
// no history needed), overall and per community, plus live open and breached counts per community.
import type postgres from 'postgres';
import type { KpiBoard } from '../../shared/api.ts';
import { addInto, kpisFrom, zeroCounters, type Counters } from '../../shared/metrics.ts';
import { OPEN_STATUSES } from '../../shared/tickets.ts';
import { responseClockSql } from '../tickets/response-clock.ts';
import { emptyHists } from '../reports/counters.ts';
import { readSpan } from '../reports/read.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

/** Midnight of the street office's local day, as a UTC instant. */
export function startOfLocalDay(nowMs: number, utcOffsetMin: number): Date {
  const local = nowMs + utcOffsetMin * 60_000;
  return new Date(local - (local % 86_400_000) - utcOffsetMin * 60_000);
}

export async function kpiBoard(q: Q, streetOfficeId: string, nowMs = Date.now()): Promise<KpiBoard> {
  const [so] = await q<{ utc_offset_min: number }[]>`SELECT utc_offset_min FROM street_offices WHERE id = ${streetOfficeId}`;
  const offset = so?.utc_offset_min ?? 480;
  const since = startOfLocalDay(nowMs, offset);
  const today = await readSpan(q, {
    streetOfficeId, utcOffsetMin: offset, fromMs: since.getTime(), toMs: nowMs + 1, gridIds: null, dims: ['grid'],
    // The board shows response percentiles only: the other three distributions were half its cost at a city's
    // evening (~23,000 open tickets read raw: 0.7 → 0.35 s).
    now: new Date(nowMs), rollups: false, events: false, hists: ['response'],
  });
  const grids = await q<{ id: string; community_id: string }[]>`SELECT id, community_id FROM grids WHERE street_office_id = ${streetOfficeId}`;
  const communityOf = new Map(grids.map((g) => [g.id, g.community_id]));
  const perCommunity = new Map<string, Counters>();
  const total = zeroCounters();
  for (const r of today.rows) {
    addInto(total, r.counters);
    const c = communityOf.get(r.key);
    if (c) addInto(perCommunity.get(c) ?? perCommunity.set(c, zeroCounters()).get(c)!, r.counters);
  }
  // Open and breached counts per community cover every live ticket, not only today's.
  const live = await q<{ community_id: string; open: number; breached: number }[]>`
    SELECT g.community_id, count(*)::int AS open,
      count(*) FILTER (WHERE ${responseClockSql(q).overdue(new Date(nowMs))})::int AS breached
    FROM tickets t JOIN grids g ON g.id = t.grid_id
    WHERE t.street_office_id = ${streetOfficeId} AND t.status = ANY(${OPEN_STATUSES as string[]})
    GROUP BY g.community_id`;
  const communities = await q<{ id: string }[]>`SELECT id FROM communities WHERE street_office_id = ${streetOfficeId} ORDER BY id`;
  return {
    since: since.toISOString(),
    today: kpisFrom(total, today.hist),
    perCommunity: communities.map((c) => {
      const l = live.find((x) => x.community_id === c.id);
      // Per community the rates; the percentiles are the street office's only (null here).
      return { communityId: c.id, open: l?.open ?? 0, breached: l?.breached ?? 0, kpis: kpisFrom(perCommunity.get(c.id) ?? zeroCounters(), emptyHists()) };
    }),
  };
}
