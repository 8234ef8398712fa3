// REST for administrators' wall-screen links: list, create, rotate, revoke.
import type { Context } from 'koa';
import type { Deps } from '../http/types.ts';
import { createDisplayLinkBody } from '../../shared/schemas.ts';
import { route, type Route } from '../http/routes.ts';
import { parse, parseId } from '../http/validate.ts';
import { createDisplayLink, listDisplayLinks, revokeDisplayLink, rotateDisplayLink } from './links.ts';

export function displayRoutes({ sql, io, config }: Deps): Route[] {
  // The link is built on the public URL when configured, else on the address the administrator used.
  const base = (ctx: Context) => config.publicUrl ?? `${ctx.protocol}://${ctx.host}`;
  return [
    route({ method: 'GET', path: '/api/admin/display-links', allow: ['admin'], async handler(ctx, p) { ctx.body = await listDisplayLinks(sql, p); } }),
    route({
      method: 'POST', path: '/api/admin/display-links', allow: ['admin'],
      async handler(ctx, p) {
        ctx.status = 201;
        ctx.body = await createDisplayLink(sql, p, parse(createDisplayLinkBody, ctx.request.body), base(ctx));
      },
    }),
    route({
      method: 'POST', path: '/api/admin/display-links/:id/rotate', allow: ['admin'], body: 'none',
      async handler(ctx, p) { ctx.body = await rotateDisplayLink(sql, io, p, parseId(ctx.params.id), base(ctx)); },
    }),
    route({
      method: 'POST', path: '/api/admin/display-links/:id/revoke', allow: ['admin'], body: 'none',
      async handler(ctx, p) { ctx.body = await revokeDisplayLink(sql, io, p, parseId(ctx.params.id)); },
    }),
  ];
}
