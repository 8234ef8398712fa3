// REST for the dispatch console: possible duplicates nearby, linking a call to an existing ticket, guarded offers.
import type { Deps } from '../http/types.ts';
import { OFFICE_ROLES, STAFF_ROLES } from '../../shared/domain.ts';
import { duplicatesQuery, guardedOfferBody, linkReportBody } from '../../shared/dispatch-api.ts';
import { route, type Route } from '../http/routes.ts';
import { idempotencyKey, parse, parseId } from '../http/validate.ts';
import { findDuplicates, linkedReports } from './duplicates.ts';
import { guardedOffer } from './guarded.ts';
import { linkReport } from './link.ts';

/** Under /api/dispatch/ so that none of these paths can be taken for a ticket id by /api/tickets/:id. */
export function dispatchRoutes({ sql, config }: Deps): Route[] {
  return [
    route({
      method: 'GET', path: '/api/dispatch/duplicates', allow: OFFICE_ROLES,
      async handler(ctx, p) { ctx.body = await findDuplicates(sql, p, parse(duplicatesQuery, ctx.query)); },
    }),
    route({
      method: 'GET', path: '/api/dispatch/tickets/:id/linked', allow: STAFF_ROLES,
      async handler(ctx, p) { ctx.body = await linkedReports(sql, p, parseId(ctx.params.id)); },
    }),
    route({
      method: 'POST', path: '/api/dispatch/link-report', allow: OFFICE_ROLES,
      async handler(ctx, p) {
        const { created, ...result } = await linkReport(sql, p, parse(linkReportBody, ctx.request.body), idempotencyKey(ctx.get('idempotency-key')));
        ctx.status = created ? 201 : 200;
        ctx.body = result;
      },
    }),
    route({
      method: 'POST', path: '/api/dispatch/tickets/:id/offer', allow: OFFICE_ROLES,
      async handler(ctx, p) {
        ctx.body = await guardedOffer(sql, p, parseId(ctx.params.id), parse(guardedOfferBody, ctx.request.body), {
          offerTimeoutS: config.offerTimeoutS, idempotencyKey: idempotencyKey(ctx.get('idempotency-key')),
        });
      },
    }),
  ];
}
