// The reports' REST calls through the typed client (shared/rest.ts); the query is checked with the shared schema
// before it is sent, as the server checks it again.
import { api, qs } from '../api.ts';
import type { BreakdownDim, ReportPeriod, ReportQuery } from '../../shared/reports.ts';
import { REPORT_PERIODS, reportQuery } from '../../shared/reports.ts';
import type { LateCause } from '../../shared/why-late.ts';

export type Query = ReportQuery;

/** What the drill-down lists: the late tickets of a cause, or the tickets of a breakdown row. */
export interface DrillFilter { title: string; cause?: LateCause; by?: BreakdownDim; key?: string }

/** The page's query from its URL (a bookmark, a shared link): unknown periods and scopes fall back to this month, the office. */
export function queryFromUrl(search: string): Query {
  const url = new URLSearchParams(search);
  const period = (REPORT_PERIODS as readonly string[]).includes(url.get('period') ?? '') ? (url.get('period') as ReportPeriod) : 'this_month';
  const scope = (['street_office', 'community', 'grid'] as const).find((s) => s === url.get('scope')) ?? 'street_office';
  return {
    period, scope, from: url.get('from') ?? undefined, to: url.get('to') ?? undefined,
    communityId: url.get('communityId') ?? undefined, gridId: url.get('gridId') ?? undefined,
  };
}

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

export const fetchReport = (q: Query) => api('GET /api/reports', { query: params(q) });
export const fetchBreakdown = (q: Query, by: BreakdownDim) => api('GET /api/reports/breakdown', { query: { ...params(q), by } });
export const fetchDrill = (q: Query, f: { cause?: string; by?: BreakdownDim; key?: string; before?: string | null }) =>
  api('GET /api/reports/tickets', { query: { ...params(q), cause: f.cause, by: f.by, key: f.key, before: f.before ?? undefined, limit: 50 } });
export const fetchTicket = (id: string) => api('GET /api/tickets/:id', { params: { id } });
/** Downloads are plain links (the browser saves them): outside the typed client. */
export const exportUrl = (q: Query, kind: 'csv' | 'xlsx', by: BreakdownDim) => `/api/reports/export.${kind}${qs({ ...params(q), by: kind === 'csv' ? by : undefined })}`;
