// The reports' REST calls, typed by the shared shapes; the query is checked with the shared schema before it is sent.
import './zod-csp.ts';
import type { DrillPage, Report, ReportQuery, BreakdownDim, BreakdownRow } from '../../shared/reports.ts';
import { reportQuery } from '../../shared/reports.ts';
import type { TicketDetail } from '../../shared/api.ts';
import type { LateCause } from '../../shared/why-late.ts';
import { apiGet, qs } from '../dispatch/api.ts';

export type Query = ReportQuery;

/** What the drill-down lists: the late tickets of a cause, or the tickets of a breakdown row. */
export interface DrillFilter { title: string; cause?: LateCause; by?: BreakdownDim; key?: string }

/** The query as URL parameters (only what is set), after the shared schema has accepted it. */
export function params(q: Query): Record<string, string> {
  const ok = reportQuery.safeParse(q);
  if (!ok.success) throw new Error(ok.error.issues[0]?.message ?? 'invalid report query');
  const out: Record<string, string> = { period: q.period, scope: q.scope };
  if (q.period === 'custom') { out.from = q.from!; out.to = q.to!; }
  if (q.scope === 'community' && q.communityId) out.communityId = q.communityId;
  if (q.scope === 'grid' && q.gridId) out.gridId = q.gridId;
  return out;
}

export const fetchReport = (q: Query) => apiGet<Report>(`/api/reports${qs(params(q))}`);
export const fetchBreakdown = (q: Query, by: BreakdownDim) => apiGet<{ by: BreakdownDim; rows: BreakdownRow[] }>(`/api/reports/breakdown${qs({ ...params(q), by })}`);
export const fetchDrill = (q: Query, f: { cause?: string; by?: BreakdownDim; key?: string; before?: string | null }) =>
  apiGet<DrillPage>(`/api/reports/tickets${qs({ ...params(q), cause: f.cause, by: f.by, key: f.key, before: f.before ?? undefined, limit: 50 })}`);
export const fetchTicket = (id: string) => apiGet<TicketDetail>(`/api/tickets/${id}`);
export const exportUrl = (q: Query, kind: 'csv' | 'xlsx', by: BreakdownDim) => `/api/reports/export.${kind}${qs({ ...params(q), by: kind === 'csv' ? by : undefined })}`;
