// The Open311 GeoReport v2 endpoints under /open311/v2: XML by default, JSON with .json, the spec's errors element
// for every failure (format.ts). Public reads; POST requests needs an api_key and comes from other sites' servers.
import type { Context } from 'koa';
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { OPEN311_BASE, open311JurisdictionQuery, open311PostBody, open311RequestsQuery } from '../../shared/open311.ts';
import { route, type Route } from '../http/routes.ts';
import { idempotencyKey, parse } from '../http/validate.ts';
import { addressKey } from '../http/client-address.ts';
import { autoDispatchLater } from '../dispatch/auto.ts';
import { formatOf, send } from './format.ts';
import { keyFor } from './keys.ts';
import { createdDocument, createRequest, findRequest, findRequests, requestDocuments, tokenDocument } from './requests.ts';
import { discovery, jurisdictionOf, serviceDefinition, serviceList } from './services.ts';

const P = OPEN311_BASE;

export function open311Routes(deps: Deps): Route[] {
  const { sql, config, limits } = deps;
  /** Reads count per client address like the residents' pages; writes per address (before the key) and per key. */
  const read = (ctx: Context) => limits.consume('public_read_address', addressKey(ctx.ip));
  const base = (ctx: Context) => config.publicUrl ?? `${ctx.protocol}://${ctx.host}`;
  const query = (ctx: Context) => parse(open311JurisdictionQuery, ctx.query);
  return [
    route({
      method: 'GET', path: `${P}/discovery{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        parse(open311JurisdictionQuery, ctx.query);
        send(ctx, f, 'discovery', await discovery(sql, base(ctx)));
      },
    }),
    route({
      method: 'GET', path: `${P}/services{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        await jurisdictionOf(sql, query(ctx).jurisdiction_id);
        send(ctx, f, 'services', await serviceList(sql));
      },
    }),
    route({
      method: 'GET', path: `${P}/services/:code{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        await jurisdictionOf(sql, query(ctx).jurisdiction_id);
        send(ctx, f, 'service_definition', await serviceDefinition(sql, ctx.params.code));
      },
    }),
    route({
      method: 'POST', path: `${P}/requests{.:format}`, allow: ['public'], body: 'form', crossSite: true,
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await limits.consume('open311_address', addressKey(ctx.ip));
        const raw = (ctx.request.body ?? {}) as Record<string, unknown>;
        // The key first: without a valid one nothing else is looked at (403, as the spec says).
        const presented = typeof raw.api_key === 'string' ? raw.api_key.trim() : '';
        if (!presented) throw new AppError('forbidden', 'api_key was not provided: POST requests needs an API key from the street office');
        const key = await keyFor(sql, presented);
        if (!key) throw new AppError('forbidden', 'invalid api_key received (unknown or revoked)');
        await limits.consume('open311_key', key.id);
        const body = parse(open311PostBody, raw);
        const j = await jurisdictionOf(sql, body.jurisdiction_id);
        if (j.id !== key.streetOfficeId) throw new AppError('forbidden', `this api_key is not valid for jurisdiction ${j.jurisdictionId}`);
        const made = await createRequest(sql, j, key, body, idempotencyKey(ctx.get('idempotency-key')));
        if (made.ticketId) autoDispatchLater(deps, made.ticketId);
        send(ctx, f, 'service_requests', createdDocument(made), 201);
      },
    }),
    route({
      method: 'GET', path: `${P}/requests{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        const q = parse(open311RequestsQuery, ctx.query);
        const j = await jurisdictionOf(sql, q.jurisdiction_id);
        const rows = await findRequests(sql, j, q);
        send(ctx, f, 'service_requests', await requestDocuments(sql, j, rows, q.extensions === 'true'));
      },
    }),
    route({
      method: 'GET', path: `${P}/requests/:id{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        const q = query(ctx);
        const j = await jurisdictionOf(sql, q.jurisdiction_id);
        const row = await findRequest(sql, j, ctx.params.id);
        send(ctx, f, 'service_requests', await requestDocuments(sql, j, [row], q.extensions === 'true'));
      },
    }),
    route({
      method: 'GET', path: `${P}/tokens/:token{.:format}`, allow: ['public'],
      async handler(ctx) {
        const f = formatOf(ctx.params.format);
        await read(ctx);
        const j = await jurisdictionOf(sql, query(ctx).jurisdiction_id);
        send(ctx, f, 'service_requests', await tokenDocument(sql, j, ctx.params.token));
      },
    }),
  ];
}
