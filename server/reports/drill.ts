// The tickets behind a figure: the late tickets of a cause, or the tickets of a breakdown row, newest first, with
// what the drill-down list shows (response time, cause, offers that passed); the timeline is GET /api/tickets/:id.
import type { DrillPage, DrillTicket, ReportQuery, ReportScope } from '../../shared/reports.ts';
import { resolvePeriod } from '../../shared/reports.ts';
import { LATE_CAUSES, type LateCause } from '../../shared/why-late.ts';
import { AppError } from '../../shared/errors.ts';
import type { Sql } from '../db/connect.ts';
import { responseClockSql } from '../tickets/response-clock.ts';
import { dimKeySql } from './counters.ts';
import { factsSql } from './facts.ts';
import { lateCauseSql } from './why-late-sql.ts';

export interface DrillInput {
  streetOfficeId: string;
  scope: ReportScope;
  query: Pick<ReportQuery, 'period' | 'from' | 'to'> & { cause?: string; late?: 'true' | 'false'; by?: string; key?: string; before?: string; limit: number };
  nowMs?: number;
}

export async function drillTickets(sql: Sql, input: DrillInput): Promise<DrillPage> {
  const q = input.query;
  if (q.cause && !(LATE_CAUSES as readonly string[]).includes(q.cause)) throw new AppError('bad_request', `cause: unknown cause "${q.cause}"`, 'cause');
  const [so] = await sql<{ utc_offset_min: number; now: Date }[]>`SELECT utc_offset_min, now() AS now FROM street_offices WHERE id = ${input.streetOfficeId}`;
  const nowMs = input.nowMs ?? so.now.getTime();
  const now = new Date(nowMs);
  const period = resolvePeriod(q, nowMs, so.utc_offset_min);
  const keyFilter = (() => {
    if (!q.by || q.key == null) return sql``;
    if (q.by === 'community') return sql`AND f.community_id::text = ${q.key}`;
    if (q.by === 'hour') return sql`AND f.hour::text = ${q.key}`;
    return sql`AND ${dimKeySql(sql, q.by as 'grid' | 'category' | 'channel' | 'responder', now)} = ${q.key}`;
  })();
  const clock = responseClockSql(sql, 'f');
  const cause = lateCauseSql(sql, now, 'f');
  const where = sql`t.street_office_id = ${input.streetOfficeId}
    AND t.reported_at >= ${new Date(period.current.from)} AND t.reported_at < ${new Date(period.current.to)}
    ${input.scope.gridIds ? sql`AND t.grid_id = ANY(${input.scope.gridIds}::bigint[])` : sql``}
    ${q.before ? sql`AND t.id < ${q.before}` : sql``}`;
  const rows = await sql<Array<{ id: string; reported_at: Date; category: string; channel: string; grid_name: string; community_name: string; status: string;
    response_s: number | null; response_target_s: number; late: boolean; cause: LateCause | null; passes: number; responder_name: string | null }>>`
    SELECT f.id, f.reported_at, f.category, f.channel, g.name AS grid_name, c.name AS community_name, f.status,
      floor(extract(epoch FROM f.responded_at - f.reported_at))::int AS response_s, f.response_target_s,
      coalesce(${clock.late(now)}, false) AS late, ${cause} AS cause, f.passes, r.name AS responder_name
    FROM ${factsSql(sql, where)} f
    JOIN grids g ON g.id = f.grid_id JOIN communities c ON c.id = g.community_id
    LEFT JOIN responders r ON r.id = f.responder_id
    WHERE true
      ${q.late === 'true' || q.cause ? sql`AND coalesce(${clock.late(now)}, false)` : q.late === 'false' ? sql`AND NOT coalesce(${clock.late(now)}, false)` : sql``}
      ${q.cause ? sql`AND ${cause} = ${q.cause}` : sql``}
      ${keyFilter}
    ORDER BY f.id DESC LIMIT ${q.limit + 1}`;
  const items: DrillTicket[] = rows.slice(0, q.limit).map((r) => ({
    id: r.id, reportedAt: r.reported_at.toISOString(), category: r.category, channel: r.channel, gridName: r.grid_name,
    communityName: r.community_name, status: r.status, responseS: r.response_s, responseTargetS: r.response_target_s,
    late: r.late, cause: r.cause, passes: r.passes, responderName: r.responder_name,
  }));
  return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
}
