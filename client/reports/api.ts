// The reports' REST calls: GETs of the shared contract (shared/rest.ts) through the schema-free client (../http.ts),
// so the page loads no validation library; the server parses every query with the shared schemas and answers a bad one
// with its message, which the page shows.
import { get, qs } from '../http.ts';
import type { BreakdownDim, ReportQuery } from '../../shared/reports.ts';
import { reportSearch as params, reportQueryFromUrl as queryFromUrl } from '../../shared/reports.ts';
import type { LateCause } from '../../shared/why-late.ts';

export type Query = ReportQuery;

/** What the drill-down lists: the late tickets of a cause, or the tickets of a breakdown row. */
export interface DrillFilter { title: string; cause?: LateCause; by?: BreakdownDim; key?: string }

/** The page's query from its URL, and the query as URL parameters: shared with the server's page hints. */
export { params, queryFromUrl };

export const fetchReport = (q: Query) => get('GET /api/reports', { query: params(q) });
export const fetchBreakdown = (q: Query, by: BreakdownDim) => get('GET /api/reports/breakdown', { query: { ...params(q), by } });
export const fetchDrill = (q: Query, f: { cause?: string; by?: BreakdownDim; key?: string; before?: string | null }) =>
  get('GET /api/reports/tickets', { query: { ...params(q), cause: f.cause, by: f.by, key: f.key, before: f.before ?? undefined, limit: 50 } });
export const fetchTicket = (id: string) => get('GET /api/tickets/:id', { params: { id } });
/** Downloads are plain links (the browser saves them): outside the typed client. */
export const exportUrl = (q: Query, kind: 'csv' | 'xlsx', by: BreakdownDim) => `/api/reports/export.${kind}${qs({ ...params(q), by: kind === 'csv' ? by : undefined })}`;
