// REST for the dispatch console: possible duplicates nearby, linking a call to an existing ticket, guarded offers.
import type { AppRouter, Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { duplicatesQuery, guardedOfferBody, linkReportBody } from '../../shared/dispatch-api.ts';
import { OFFICE_ROLES, requireRole } from '../auth/principal.ts';
import { idempotencyKey, parse, parseId } from '../http/validate.ts';
import { findDuplicates, linkedReports } from './duplicates.ts';
import { guardedOffer } from './guarded.ts';
import { linkReport } from './link.ts';


/** Under /api/dispatch/ so that none of these paths can be taken for a ticket id by /api/tickets/:id. */
export function registerDispatchRoutes(router: AppRouter, { sql, config }: Deps) {
  router.get('/api/dispatch/duplicates', async (ctx) => {
    const p = requireRole(ctx.state.principal, OFFICE_ROLES);
    ctx.body = await findDuplicates(sql, p, parse(duplicatesQuery, ctx.query));
  });

  router.get('/api/dispatch/tickets/:id/linked', async (ctx) => {
    const p = requireRole(ctx.state.principal, [...OFFICE_ROLES, 'manager']);
    ctx.body = await linkedReports(sql, p, parseId(ctx.params.id));
  });

  router.post('/api/dispatch/link-report', async (ctx) => {
    const p = requireRole(ctx.state.principal, OFFICE_ROLES);
    const { created, ...result } = await linkReport(sql, p, parse(linkReportBody, ctx.request.body), idempotencyKey(ctx.get('idempotency-key')));
    ctx.status = created ? 201 : 200;
    ctx.body = result;
  });

  router.post('/api/dispatch/tickets/:id/offer', async (ctx) => {
    const p = requireRole(ctx.state.principal, OFFICE_ROLES);
    ctx.body = await guardedOffer(sql, p, parseId(ctx.params.id), parse(guardedOfferBody, ctx.request.body), {
      offerTimeoutS: config.offerTimeoutS, idempotencyKey: idempotencyKey(ctx.get('idempotency-key')),
    });
  });
}
