// The REST route table: every route states, where it is declared, who may call it and what body it takes. One mount
// enforces both before the handler runs, so a route is closed until its declaration opens it, and the tests fuzz and
// check every route by reading this same table.
import type { Context } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Role } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { Principal, UserPrincipal } from '../auth/principal.ts';
import type { AppRouter, Deps } from './types.ts';
import { sameOriginRequest } from './origin.ts';

/**
 * Who may call a route: signed-in roles, or 'public' (anyone, signed in or not). A wall screen's display link is not a
 * caller of REST at all (auth/middleware.ts never takes it): it reads only the live stream.
 */
export type Caller = Role | 'public';
export type { UserPrincipal };
type PrincipalFor<A extends readonly Caller[]> = 'public' extends A[number] ? Principal | undefined : UserPrincipal;

/**
 * What a route reads from its body: `json` (parsed, `application/json` required), `raw` (the handler reads the
 * stream itself, after the access check, e.g. photos), `form` (urlencoded, for Open311 clients), or `none`.
 */
export type BodyKind = 'json' | 'raw' | 'form' | 'none';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route<A extends readonly Caller[] = readonly Caller[]> {
  method: Method;
  path: string;
  allow: A;
  body?: BodyKind;
  /** JSON body limit when 256 kB is not enough (grid imports). */
  bodyLimit?: string;
  /**
   * Writes are refused from other sites (an Origin or Sec-Fetch-Site of another site) unless the route is meant for
   * other sites' servers and authenticates without cookies (Open311's api_key).
   */
  crossSite?: boolean;
  handler(ctx: Context, p: PrincipalFor<A>): unknown;
}

/** Declares a route; `const` keeps the allow list literal so the handler's principal type follows from it. */
export function route<const A extends readonly Caller[]>(r: Route<A>): Route {
  return r as unknown as Route;
}

const READS: readonly Method[] = ['GET'];
const CONTENT_TYPES: Record<Exclude<BodyKind, 'none' | 'raw'>, string> = { json: 'application/json', form: 'application/x-www-form-urlencoded' };

/** Is this principal one of the callers a route allows? Exported for the access-matrix test. */
export function callerAllowed(allow: readonly Caller[], p: Principal | undefined): AppError | null {
  if (allow.length === 0) return new AppError('forbidden', 'this endpoint is closed');
  if (allow.includes('public')) return null;
  if (!p) return new AppError('unauthorized', 'sign in first');
  if (p.kind === 'display') return new AppError('unauthorized', 'a display link only shows the live wall; sign in first');
  if (!allow.includes(p.role)) {
    const roles = allow.filter((a): a is Role => a !== 'public');
    return new AppError('forbidden', `this needs one of the roles: ${roles.join(', ')}`);
  }
  return null;
}

export function mountRoutes(router: AppRouter, routes: readonly Route[], deps: Pick<Deps, 'config'>): void {
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) throw new Error(`route declared twice: ${key}`);
    seen.add(key);
    const body = r.body ?? (READS.includes(r.method) ? 'none' : 'json');
    const parser = body === 'json' || body === 'form'
      ? bodyParser({ enableTypes: [body], jsonLimit: r.bodyLimit ?? '256kb', formLimit: '64kb', encoding: 'utf-8' })
      : null;
    router.register(r.path, [r.method], async (ctx) => {
      const refused = callerAllowed(r.allow, ctx.state.principal);
      if (refused) throw refused;
      if (!READS.includes(r.method)) {
        if (!r.crossSite && !sameOriginRequest(ctx.req, deps.config)) {
          throw new AppError('forbidden', 'cross-site requests may not change anything');
        }
        if (body === 'json' || body === 'form') {
          const type = ctx.get('content-type').split(';')[0].trim().toLowerCase();
          const hasBody = Number(ctx.get('content-length') || 0) > 0 || !!ctx.get('transfer-encoding');
          if (hasBody && type !== CONTENT_TYPES[body]) {
            throw new AppError('unsupported_media', `send the body as ${CONTENT_TYPES[body]} (got ${type || 'no Content-Type'})`);
          }
        }
      }
      if (parser) await parser(ctx, async () => {});
      await r.handler(ctx, ctx.state.principal as never);
    });
  }
}
