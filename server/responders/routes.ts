// REST for responders: the list in one's scope, going on and off duty, and dispatch candidates for a ticket.
import type { Deps } from '../http/types.ts';
import { OFFICE_ROLES, STAFF_ROLES } from '../../shared/domain.ts';
import { dutyBody } from '../../shared/schemas.ts';
import { route, type Route } from '../http/routes.ts';
import { parse, parseId } from '../http/validate.ts';
import { candidatesFor } from '../dispatch/candidates.ts';
import { visibleTicket } from '../tickets/queries.ts';
import { selectResponders, toResponderView } from './views.ts';
import { scopeOf } from '../auth/principal.ts';
import { respondersInScope } from '../auth/scope-sql.ts';
import { setDuty } from './duty.ts';

export function responderRoutes({ sql }: Deps): Route[] {
  return [
    route({
      method: 'GET', path: '/api/responders', allow: STAFF_ROLES,
      async handler(ctx, p) {
        const rows = await selectResponders(sql, sql`${respondersInScope(sql, scopeOf(p))}
          ${ctx.query.onDuty === 'true' ? sql`AND r.duty_status <> 'off_duty'` : sql``}`);
        ctx.body = rows.map(toResponderView);
      },
    }),
    route({
      method: 'POST', path: '/api/duty', allow: ['responder'],
      async handler(ctx, p) { ctx.body = await setDuty(sql, p.responderId!, parse(dutyBody, ctx.request.body).onDuty); },
    }),
    route({
      method: 'GET', path: '/api/tickets/:id/candidates', allow: OFFICE_ROLES,
      async handler(ctx, p) {
        const id = parseId(ctx.params.id);
        await visibleTicket(sql, p, id);
        ctx.body = await candidatesFor(sql, id, p);
      },
    }),
  ];
}
