// KPI board for a street office: today's tickets fed to the shared metric definitions, overall and per community.
import type postgres from 'postgres';
import type { KpiBoard } from '../../shared/api.ts';
import { computeKpis, type MetricTicket } from '../../shared/metrics.ts';
import { OPEN_STATUSES } from '../../shared/tickets.ts';
import { responseClockSql } from '../tickets/response-clock.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

/** Midnight of the street office's local day, as a UTC instant. */
export function startOfLocalDay(nowMs: number, utcOffsetMin: number): Date {
  const local = nowMs + utcOffsetMin * 60_000;
  return new Date(local - (local % 86_400_000) - utcOffsetMin * 60_000);
}

export async function metricRows(q: Q, streetOfficeId: string, from: Date, to: Date, gridIds: string[] | null = null) {
  return q<(MetricTicket & { communityId: string })[]>`
    SELECT t.status, t.reported_at AS "reportedAt", t.responded_at AS "respondedAt", t.resolved_at AS "resolvedAt",
      t.closed_at AS "closedAt", t.escalated_at AS "escalatedAt", t.response_target_s AS "responseTargetS",
      t.resolution_target_s AS "resolutionTargetS", t.rating, t.reopen_count AS "reopenCount", t.ever_resolved AS "everResolved",
      g.community_id AS "communityId"
    FROM tickets t JOIN grids g ON g.id = t.grid_id
    WHERE t.street_office_id = ${streetOfficeId} AND t.reported_at >= ${from} AND t.reported_at < ${to}
      ${gridIds ? q`AND t.grid_id = ANY(${gridIds}::bigint[])` : q``}`;
}

export async function kpiBoard(q: Q, streetOfficeId: string, nowMs = Date.now()): Promise<KpiBoard> {
  const [so] = await q<{ utc_offset_min: number }[]>`SELECT utc_offset_min FROM street_offices WHERE id = ${streetOfficeId}`;
  const since = startOfLocalDay(nowMs, so?.utc_offset_min ?? 480);
  const rows = (await metricRows(q, streetOfficeId, since, new Date(nowMs + 1))).map((r) => ({
    ...r,
    reportedAt: new Date(r.reportedAt).toISOString(),
    respondedAt: r.respondedAt ? new Date(r.respondedAt).toISOString() : null,
    resolvedAt: r.resolvedAt ? new Date(r.resolvedAt).toISOString() : null,
    closedAt: r.closedAt ? new Date(r.closedAt).toISOString() : null,
    escalatedAt: r.escalatedAt ? new Date(r.escalatedAt).toISOString() : null,
  }));
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
    today: computeKpis(rows, nowMs),
    perCommunity: communities.map((c) => {
      const l = live.find((x) => x.community_id === c.id);
      return { communityId: c.id, open: l?.open ?? 0, breached: l?.breached ?? 0, kpis: computeKpis(rows.filter((r) => r.communityId === c.id), nowMs) };
    }),
  };
}
