// REST for tickets: report, list, detail, one endpoint per lifecycle action, rating and photos.
import type { AppRouter, Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { ACTION_BODIES, createTicketBody, listTicketsQuery, rateBody, type RestAction } from '../../shared/schemas.ts';
import { requireUser } from '../auth/principal.ts';
import { idempotencyKey, parse, parseId } from '../http/validate.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { createTicket } from './create.ts';
import { applyAction } from './lifecycle.ts';
import { listTickets, ticketDetail } from './queries.ts';
import { addPhoto, readPhoto, readStoredPhoto } from './photos.ts';
import { rateTicket } from './rating.ts';

/** URL segment → action: `department-accept` reads better in a URL than the enum's underscore. */
const ACTION_PATHS: Record<string, RestAction> = Object.fromEntries(
  (Object.keys(ACTION_BODIES) as RestAction[]).map((a) => [a.replace('_', '-'), a]),
);


export function registerTicketRoutes(router: AppRouter, deps: Deps) {
  const { sql, config } = deps;

  router.post('/api/tickets', async (ctx) => {
    const p = requireUser(ctx.state.principal);
    const body = parse(createTicketBody, ctx.request.body);
    const { ticket, created } = await createTicket(sql, p, body, idempotencyKey(ctx.get('idempotency-key')));
    ctx.status = created ? 201 : 200;
    ctx.body = ticket;
    if (created) autoDispatchLater(deps, ticket.id);
  });

  router.get('/api/tickets', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    ctx.body = await listTickets(sql, p, parse(listTicketsQuery, Object.fromEntries(Object.entries(ctx.query).filter(([k]) => k !== 'token'))));
  });

  router.get('/api/tickets/:id', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    ctx.body = await ticketDetail(sql, p, parseId(ctx.params.id));
  });

  router.post('/api/tickets/:id/rating', async (ctx) => {
    const p = requireUser(ctx.state.principal);
    ctx.body = await rateTicket(sql, p, parseId(ctx.params.id), parse(rateBody, ctx.request.body));
  });

  router.post('/api/tickets/:id/photos', async (ctx) => {
    const p = requireUser(ctx.state.principal);
    const id = parseId(ctx.params.id);
    const photo = await readPhoto(ctx);
    ctx.status = 201;
    ctx.body = await addPhoto(sql, p, id, photo, idempotencyKey(ctx.get('idempotency-key')));
  });

  router.get('/api/photos/:id', async (ctx) => {
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    const photo = await readStoredPhoto(sql, p, parseId(ctx.params.id));
    ctx.type = photo.contentType;
    ctx.set('Cache-Control', 'private, max-age=86400');
    ctx.body = photo.bytes;
  });

  router.post('/api/tickets/:id/:action', async (ctx) => {
    const action = ACTION_PATHS[ctx.params.action];
    if (!action) throw new AppError('not_found', `no such action "${ctx.params.action}"; actions: ${Object.keys(ACTION_PATHS).join(', ')}`);
    const p = ctx.state.principal;
    if (!p) throw new AppError('unauthorized', 'sign in first');
    if (p.kind === 'display') throw new AppError('forbidden', 'a display token is read-only');
    const id = parseId(ctx.params.id);
    const body = parse(ACTION_BODIES[action], ctx.request.body) as Record<string, unknown>;
    const ticket = await applyAction(sql, { ticketId: id, action, by: p, body, offerTimeoutS: config.offerTimeoutS, idempotencyKey: idempotencyKey(ctx.get('idempotency-key')) });
    ctx.body = ticket;
    // A declined offer passes to the next candidate at once.
    if (action === 'decline') autoDispatchLater(deps, id);
  });
}
