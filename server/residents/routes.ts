// REST for residents (public, no account): the report page's map and categories, where a place is, the report itself,
// and the tracking page's view and rating, opened by the tracking code alone.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { locateQuery, publicReportBody, residentRatingBody } from '../../shared/residents.ts';
import { route, type Route } from '../http/routes.ts';
import { idempotencyKey, parse, parseId } from '../http/validate.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { locate, reportContext } from './places.ts';
import { publicTicketView } from './public-view.ts';
import { rateAsResident } from './rating.ts';
import { reportAsResident } from './report.ts';
import { ticketIdByCode } from './tracking.ts';
import { addResidentPhoto } from './photos.ts';
import { readPhotoBody } from '../photos/images.ts';
import { addressKey } from '../http/client-address.ts';
import type { Context } from 'koa';
import type { LimitName } from '../limits/limits.ts';

export function residentRoutes(deps: Deps): Route[] {
  const { sql, config, limits } = deps;
  /** The client's address (behind TRUSTED_PROXIES; an IPv6 client by its /64), counted before any other work. */
  const count = (ctx: Context, name: LimitName) => limits.consume(name, addressKey(ctx.ip));
  return [
    route({
      method: 'GET', path: '/api/public/report-context', allow: ['public'],
      async handler(ctx) {
        await count(ctx, 'public_read_address');
        const q = ctx.query;
        const only = (v: unknown, what: string) => (v === undefined ? undefined : parseId(typeof v === 'string' ? v : undefined, what));
        for (const k of Object.keys(q)) if (k !== 'grid' && k !== 'community') throw new AppError('bad_request', `${k}: unknown parameter (grid or community)`, k);
        ctx.body = await reportContext(sql, config, { grid: only(q.grid, 'grid'), community: only(q.community, 'community') });
      },
    }),
    route({
      method: 'GET', path: '/api/public/locate', allow: ['public'],
      async handler(ctx) {
        await count(ctx, 'public_read_address');
        const { lat, lng } = parse(locateQuery, ctx.query);
        ctx.body = await locate(sql, lat, lng);
      },
    }),
    route({
      method: 'POST', path: '/api/public/reports', allow: ['public'], bodyLimit: '32kb',
      async handler(ctx) {
        await count(ctx, 'report_address');
        const body = parse(publicReportBody, ctx.request.body);
        if (body.phone) await limits.consume('report_phone', body.phone.replace(/[^0-9]/g, ''));
        const { ticketId, ...receipt } = await reportAsResident(sql, body, idempotencyKey(ctx.get('idempotency-key')));
        ctx.status = receipt.created ? 201 : 200;
        ctx.body = receipt;
        if (receipt.created) autoDispatchLater(deps, ticketId);
      },
    }),
    route({
      method: 'GET', path: '/api/public/track/:code', allow: ['public'],
      async handler(ctx) {
        await count(ctx, 'public_read_address');
        ctx.set('Cache-Control', 'no-store');
        ctx.body = await publicTicketView(sql, await ticketIdByCode(sql, ctx.params.code));
      },
    }),
    route({
      method: 'POST', path: '/api/public/track/:code/rating', allow: ['public'], bodyLimit: '8kb',
      async handler(ctx) {
        await count(ctx, 'public_write_address');
        const id = await ticketIdByCode(sql, ctx.params.code);
        const body = parse(residentRatingBody, ctx.request.body);
        await rateAsResident(sql, id, body);
        ctx.body = await publicTicketView(sql, id);
      },
    }),
    route({
      // The photo's body is read only once the code, the limits and the report's room for another photo say yes.
      method: 'POST', path: '/api/public/track/:code/photos', allow: ['public'], body: 'raw',
      async handler(ctx) {
        const id = await ticketIdByCode(sql, ctx.params.code);
        await count(ctx, 'public_write_address');
        ctx.status = 201;
        ctx.body = await addResidentPhoto(sql, id, { idempotencyKey: idempotencyKey(ctx.get('idempotency-key')), readBody: () => readPhotoBody(ctx.req, config) });
      },
    }),
  ];
}
