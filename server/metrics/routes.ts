// Managers' figures: today's board, and a period report grouped by community, grid, category or channel (JSON or CSV).
import type { Context } from 'koa';
import { z } from 'zod';
import type { Deps } from '../http/types.ts';
import { STAFF_ROLES } from '../../shared/domain.ts';
import { route, type Route, type UserPrincipal } from '../http/routes.ts';
import { AppError } from '../../shared/errors.ts';
import { computeKpis, type Kpis } from '../../shared/metrics.ts';
import { parse } from '../http/validate.ts';
import { kpiBoard } from './kpis.ts';

const reportQuery = z.object({
  from: z.string().datetime({ offset: true }),
  to: z.string().datetime({ offset: true }),
  by: z.enum(['community', 'grid', 'category', 'channel']).default('community'),
  format: z.enum(['json', 'csv']).default('json'),
}).strict();

const MAX_REPORT_DAYS = 366;

export function metricRoutes({ sql }: Deps): Route[] {
  return [
    route({ method: 'GET', path: '/api/metrics/today', allow: STAFF_ROLES, async handler(ctx, p) { ctx.body = await kpiBoard(sql, p.streetOfficeId); } }),
    route({ method: 'GET', path: '/api/metrics/report', allow: STAFF_ROLES, handler: (ctx, p) => report(ctx, p) }),
  ];

  async function report(ctx: Context, p: UserPrincipal) {
    const q = parse(reportQuery, ctx.query);
    const from = new Date(q.from), to = new Date(q.to);
    if (to <= from) throw new AppError('bad_request', 'to: must be after from', 'to');
    if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * 86400_000) throw new AppError('bad_request', `to: a report covers at most ${MAX_REPORT_DAYS} days`, 'to');
    const key = { community: sql`c.name`, grid: sql`c.name || ' ' || g.name`, category: sql`t.category`, channel: sql`t.channel` }[q.by];
    const gridScope = p.role === 'leader' ? p.gridIds : null;
    const rows = await sql<{ key: string; status: string; reportedAt: Date; respondedAt: Date | null; resolvedAt: Date | null; closedAt: Date | null; escalatedAt: Date | null; responseTargetS: number; resolutionTargetS: number; rating: number | null; reopenCount: number; everResolved: boolean }[]>`
      SELECT ${key} AS key, t.status, t.reported_at AS "reportedAt", t.responded_at AS "respondedAt", t.resolved_at AS "resolvedAt",
        t.closed_at AS "closedAt", t.escalated_at AS "escalatedAt", t.response_target_s AS "responseTargetS",
        t.resolution_target_s AS "resolutionTargetS", t.rating, t.reopen_count AS "reopenCount", t.ever_resolved AS "everResolved"
      FROM tickets t JOIN grids g ON g.id = t.grid_id JOIN communities c ON c.id = g.community_id
      WHERE t.street_office_id = ${p.streetOfficeId} AND t.reported_at >= ${from} AND t.reported_at < ${to}
        ${gridScope ? sql`AND t.grid_id = ANY(${gridScope}::bigint[])` : sql``}`;
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    type Row = (typeof rows)[number];
    const groups = new Map<string, Row[]>();
    for (const r of rows) (groups.get(r.key) ?? groups.set(r.key, []).get(r.key)!).push(r);
    const now = Date.now();
    const toMetric = (rs: Row[]) => rs.map((r) => ({ ...r, reportedAt: r.reportedAt.toISOString(), respondedAt: iso(r.respondedAt), resolvedAt: iso(r.resolvedAt), closedAt: iso(r.closedAt), escalatedAt: iso(r.escalatedAt) }));
    const result = { from: from.toISOString(), to: to.toISOString(), by: q.by, total: computeKpis(toMetric(rows), now), groups: [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([k, rs]) => ({ key: k, kpis: computeKpis(toMetric(rs), now) })) };
    if (q.format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`report-${q.by}.csv`);
      ctx.body = toCsv(result.groups, result.total);
    } else {
      ctx.body = result;
    }
  }
}

const CSV_COLUMNS: Array<keyof Kpis> = ['reported', 'excluded', 'responseDue', 'respondedOnTime', 'onTimeResponseRate', 'responseP50S', 'responseP90S', 'closureRate', 'onTimeResolutionRate', 'satisfactionRate', 'rated', 'reworkRate', 'escalations'];

function toCsv(groups: Array<{ key: string; kpis: Kpis }>, total: Kpis): string {
  const cell = (v: unknown) => (v == null ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : `"${String(v).replace(/"/g, '""')}"`.replace(/^"(\d+)"$/, '$1'));
  const lines = [['group', ...CSV_COLUMNS].join(',')];
  for (const g of [...groups, { key: '合计 total', kpis: total }]) lines.push([cell(g.key), ...CSV_COLUMNS.map((c) => cell(g.kpis[c]))].join(','));
  // BOM so that Excel opens the Chinese names correctly.
  return '\uFEFF' + lines.join('\n') + '\n';
}
