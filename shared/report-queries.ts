// The reports' query schemas (server routes, the page hints): GET /api/reports and its breakdown, drill-down and
// export variants. Kept apart from reports.ts so the page, which only builds these URLs, does not load zod.
import { z } from 'zod';
import { BREAKDOWN_DIMS, MAX_REPORT_DAYS, REPORT_PERIODS, REPORT_SCOPES, reportQueryFromUrl, reportSearch, type ReportQuery } from './reports.ts';

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => { const d = new Date(`${s}T00:00:00Z`); return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s); }, 'must be a real date');

const base = z.object({
  period: z.enum(REPORT_PERIODS).default('today'),
  /** Custom periods: first and last local day, both included. */
  from: localDate.optional(),
  to: localDate.optional(),
  scope: z.enum(REPORT_SCOPES).default('street_office'),
  communityId: id.optional(),
  gridId: id.optional(),
});

type Base = z.infer<typeof base>;
function checkBase(q: Base, ctx: z.RefinementCtx) {
  if (q.period === 'custom') {
    if (!q.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'a custom period needs from (YYYY-MM-DD)' });
    if (!q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a custom period needs to (YYYY-MM-DD)' });
    if (q.from && q.to) {
      const days = (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / 86_400_000 + 1;
      if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      if (days > MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_REPORT_DAYS} days` });
    }
  } else if (q.from || q.to) {
    ctx.addIssue({ code: 'custom', path: [q.from ? 'from' : 'to'], message: 'only a custom period takes from/to' });
  }
  if (q.scope === 'community' && !q.communityId) ctx.addIssue({ code: 'custom', path: ['communityId'], message: 'a community scope needs communityId' });
  if (q.scope === 'grid' && !q.gridId) ctx.addIssue({ code: 'custom', path: ['gridId'], message: 'a grid scope needs gridId' });
}

/** GET /api/reports: the page's figures for a period and scope. */
export const reportQuery = base.strict().superRefine(checkBase);
// The schema's output is the shared shape (a compile-time check that the two agree).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agrees: Same<z.infer<typeof reportQuery>, ReportQuery> = true;
void agrees;

/** The query as URL parameters, after the schema has accepted it; throws with the schema's message. */
export function reportParams(q: ReportQuery): Record<string, string> {
  const ok = reportQuery.safeParse(q);
  if (!ok.success) throw new Error(ok.error.issues[0]?.message ?? 'invalid report query');
  return reportSearch(q);
}

/**
 * What the reports page reads before it can draw, as the URLs it fetches: who is signed in, the catalog (communities,
 * grid shapes, categories) and the report of its URL's query (left out when the query is not valid). The server names
 * them in the page's head so the browser asks while the scripts load (server/http/page-hints.ts).
 */
export function reportsPageReads(search: string): string[] {
  const reads = ['/api/me', '/api/communities', '/api/grids', '/api/categories'];
  try { reads.push(`/api/reports?${new URLSearchParams(reportParams(reportQueryFromUrl(search)))}`); } catch { /* the page shows the query's error */ }
  return reads;
}
/** GET /api/reports/breakdown: one breakdown (the responder table is only read on demand). */
export const breakdownQuery = base.extend({ by: z.enum(BREAKDOWN_DIMS) }).strict().superRefine(checkBase);
/** GET /api/reports/export.csv|.xlsx — the CSV holds one breakdown (`by`), the workbook all of them. */
export const exportQuery = base.extend({ by: z.enum(BREAKDOWN_DIMS).default('community'), lang: z.enum(['zh', 'en']).default('zh') }).strict().superRefine(checkBase);
/** GET /api/reports/tickets: the tickets behind a figure — late ones of a cause, or all of a breakdown row. */
export const drillQuery = base.extend({
  cause: z.string().regex(/^[a-z_]{1,30}$/).optional(),
  late: z.enum(['true', 'false']).optional(),
  by: z.enum(BREAKDOWN_DIMS).optional(),
  key: z.string().max(40).optional(),
  before: z.string().regex(/^\d{1,18}$/).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict().superRefine((q, ctx) => {
  checkBase(q, ctx);
  if ((q.by == null) !== (q.key == null)) ctx.addIssue({ code: 'custom', path: ['key'], message: 'by and key go together' });
});
