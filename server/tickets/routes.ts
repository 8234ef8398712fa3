// REST for tickets: report, list, detail, one endpoint per lifecycle action, rating and photos.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { OFFICE_ROLES, REPORTER_ROLES, STAFF_ROLES } from '../../shared/domain.ts';
import { ACTION_BODIES, createTicketBody, listTicketsQuery, rateBody, type RestAction } from '../../shared/schemas.ts';
import { ACTING_ROLES } from '../../shared/tickets.ts';
import { route, type Route } from '../http/routes.ts';
import { idempotencyKey, parse, parseId } from '../http/validate.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { createTicket } from './create.ts';
import { applyAction } from './lifecycle.ts';
import type { ActionBody } from './effects.ts';
import { listTickets, revealPhone, ticketDetail } from './queries.ts';
import { addPhoto, readStoredPhoto } from './photos.ts';
import { readPhotoBody, sendPhoto } from '../photos/images.ts';
import { rateTicket } from './rating.ts';

/** URL segment → action: `department-accept` reads better in a URL than the enum's underscore. */
const ACTION_PATHS: Record<string, RestAction> = Object.fromEntries(
  (Object.keys(ACTION_BODIES) as RestAction[]).map((a) => [a.replace('_', '-'), a]),
);

export function ticketRoutes(deps: Deps): Route[] {
  const { sql, config } = deps;
  return [
    route({
      method: 'POST', path: '/api/tickets', allow: REPORTER_ROLES,
      async handler(ctx, p) {
        const body = parse(createTicketBody, ctx.request.body);
        const { ticket, created } = await createTicket(sql, p, body, idempotencyKey(ctx.get('idempotency-key')));
        ctx.status = created ? 201 : 200;
        ctx.body = ticket;
        if (created) autoDispatchLater(deps, ticket.id);
      },
    }),
    route({
      method: 'GET', path: '/api/tickets', allow: [...STAFF_ROLES, 'responder'],
      async handler(ctx, p) { ctx.body = await listTickets(sql, p, parse(listTicketsQuery, ctx.query)); },
    }),
    route({
      method: 'GET', path: '/api/tickets/:id', allow: [...STAFF_ROLES, 'responder'],
      async handler(ctx, p) { ctx.body = await ticketDetail(sql, p, parseId(ctx.params.id)); },
    }),
    route({
      method: 'POST', path: '/api/tickets/:id/phone', allow: [...OFFICE_ROLES, 'responder'], body: 'none',
      async handler(ctx, p) { ctx.body = await revealPhone(sql, p, parseId(ctx.params.id)); },
    }),
    route({
      method: 'POST', path: '/api/tickets/:id/rating', allow: OFFICE_ROLES,
      async handler(ctx, p) { ctx.body = await rateTicket(sql, p, parseId(ctx.params.id), parse(rateBody, ctx.request.body)); },
    }),
    route({
      method: 'POST', path: '/api/tickets/:id/photos', allow: [...OFFICE_ROLES, 'responder'], body: 'raw',
      async handler(ctx, p) {
        const id = parseId(ctx.params.id);
        const body = await addPhoto(sql, p, id, {
          idempotencyKey: idempotencyKey(ctx.get('idempotency-key')), maxPerTicket: config.photoMaxPerTicket,
          readBody: () => readPhotoBody(ctx.req, config),
        });
        ctx.status = 201;
        ctx.body = body;
      },
    }),
    route({
      method: 'GET', path: '/api/photos/:id', allow: [...STAFF_ROLES, 'responder'],
      async handler(ctx, p) { sendPhoto(ctx, await readStoredPhoto(sql, p, parseId(ctx.params.id), config)); },
    }),
    route({
      method: 'POST', path: '/api/tickets/:id/:action', allow: ACTING_ROLES,
      async handler(ctx, p) {
        const action = ACTION_PATHS[ctx.params.action];
        if (!action) throw new AppError('not_found', `no such action "${ctx.params.action}"; actions: ${Object.keys(ACTION_PATHS).join(', ')}`);
        const id = parseId(ctx.params.id);
        ctx.body = await applyAction(sql, { ticketId: id, action, by: p, body: parseActionBody(action, ctx.request.body), offerTimeoutS: config.offerTimeoutS, idempotencyKey: idempotencyKey(ctx.get('idempotency-key')) });
        // A declined offer passes to the next candidate at once.
        if (action === 'decline') autoDispatchLater(deps, id);
      },
    }),
  ];
}

/** An action's body parsed by its own schema: the one place a RestAction and its body's type are tied together. */
function parseActionBody<A extends RestAction>(action: A, raw: unknown): ActionBody<A> {
  return parse(ACTION_BODIES[action], raw) as ActionBody<A>;
}
