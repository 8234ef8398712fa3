// REST for the managers' reports: the page's figures, one breakdown, the tickets behind a figure, CSV and XLSX.
// Who may call them is declared here (REPORT_ROLES: office staff, leaders — for their own grids — and managers);
// every query string is parsed by the shared schemas.
import type { Deps } from '../http/types.ts';
import { route, type Route } from '../http/routes.ts';
import { parse } from '../http/validate.ts';
import { breakdownQuery, drillQuery, exportQuery, reportQuery } from '../../shared/report-queries.ts';
import { buildBreakdown, buildReport } from './report.ts';
import { drillTickets } from './drill.ts';
import { csvFor, reportXlsx } from './export.ts';
import { REPORT_ROLES, reportScope } from './scope.ts';

export function reportRoutes({ sql }: Deps): Route[] {
  return [
    route({
      method: 'GET', path: '/api/reports', allow: REPORT_ROLES,
      async handler(ctx, p) {
        const q = parse(reportQuery, ctx.query);
        ctx.body = await buildReport(sql, { streetOfficeId: p.streetOfficeId, scope: await reportScope(sql, p, q), query: q });
      },
    }),
    route({
      method: 'GET', path: '/api/reports/breakdown', allow: REPORT_ROLES,
      async handler(ctx, p) {
        const q = parse(breakdownQuery, ctx.query);
        ctx.body = { by: q.by, rows: await buildBreakdown(sql, { streetOfficeId: p.streetOfficeId, scope: await reportScope(sql, p, q), query: q, by: q.by }) };
      },
    }),
    route({
      method: 'GET', path: '/api/reports/tickets', allow: REPORT_ROLES,
      async handler(ctx, p) {
        const q = parse(drillQuery, ctx.query);
        ctx.body = await drillTickets(sql, { streetOfficeId: p.streetOfficeId, scope: await reportScope(sql, p, q), query: q });
      },
    }),
    route({
      method: 'GET', path: '/api/reports/export.csv', allow: REPORT_ROLES,
      async handler(ctx, p) {
        const q = parse(exportQuery, ctx.query);
        const input = { streetOfficeId: p.streetOfficeId, scope: await reportScope(sql, p, q), query: q };
        const report = await buildReport(sql, input);
        // The same instant as the report, so that the breakdown read on its own agrees with it.
        const rows = q.by === 'responder' ? await buildBreakdown(sql, { ...input, by: q.by, nowMs: Date.parse(report.generatedAt) }) : report.breakdowns[q.by];
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(`report-${report.period.firstDay}-${report.period.lastDay}-${q.by}.csv`);
        ctx.body = csvFor(report, q.by, rows, q.lang);
      },
    }),
    route({
      method: 'GET', path: '/api/reports/export.xlsx', allow: REPORT_ROLES,
      async handler(ctx, p) {
        const q = parse(exportQuery, ctx.query);
        const input = { streetOfficeId: p.streetOfficeId, scope: await reportScope(sql, p, q), query: q };
        const report = await buildReport(sql, input);
        const responders = await buildBreakdown(sql, { ...input, by: 'responder', nowMs: Date.parse(report.generatedAt) });
        ctx.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        ctx.attachment(`report-${report.period.firstDay}-${report.period.lastDay}.xlsx`);
        ctx.body = await reportXlsx(report, responders, q.lang);
      },
    }),
  ];
}
