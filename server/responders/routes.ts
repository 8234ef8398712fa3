// REST for responders: the list in one's scope, going on and off duty, and dispatch candidates for a ticket.
import type { AppRouter, Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { dutyBody } from '../../shared/schemas.ts';
import { OFFICE_ROLES, requireRole, requireUser } from '../auth/principal.ts';
import { parse, parseId } from '../http/validate.ts';
import { candidatesFor } from '../dispatch/candidates.ts';
import { visibleTicket } from '../tickets/queries.ts';
import { selectResponders, toResponderView } from './views.ts';
import { setDuty } from './duty.ts';

export function registerResponderRoutes(router: AppRouter, { sql }: Deps) {
  router.get('/api/responders', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    if (p.kind === 'user' && p.role === 'responder') throw new AppError('forbidden', 'responders see their own profile only (GET /api/me)');
    const leaderGrids = p.kind === 'user' && p.role === 'leader' ? p.gridIds : null;
    const rows = await selectResponders(sql, sql`r.street_office_id = ${p.streetOfficeId}
      ${leaderGrids ? sql`AND EXISTS (SELECT 1 FROM responder_grids x WHERE x.responder_id = r.id AND x.grid_id = ANY(${leaderGrids}::bigint[]))` : sql``}
      ${ctx.query.onDuty === 'true' ? sql`AND r.duty_status <> 'off_duty'` : sql``}`);
    ctx.body = rows.map(toResponderView);
  });

  router.post('/api/duty', async (ctx) => {
    const p = requireUser(ctx.state.principal);
    if (p.role !== 'responder') throw new AppError('forbidden', 'only responders go on and off duty');
    ctx.body = await setDuty(sql, p.responderId!, parse(dutyBody, ctx.request.body).onDuty);
  });

  router.get('/api/tickets/:id/candidates', async (ctx) => {
    const p = requireRole(ctx.state.principal, OFFICE_ROLES);
    const id = parseId(ctx.params.id);
    await visibleTicket(sql, p, id);
    ctx.body = await candidatesFor(sql, id, p);
  });
}
