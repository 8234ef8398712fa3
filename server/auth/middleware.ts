// Attaches the principal (session cookie, or a display token for wall screens) to every request.
import type { Context, Next } from 'koa';
import type { Sql } from '../db/connect.ts';
import { principalFromDisplayToken, principalFromSession, SESSION_COOKIE } from './sessions.ts';

export function authenticate(sql: Sql) {
  return async (ctx: Context, next: Next) => {
    const session = ctx.cookies.get(SESSION_COOKIE);
    if (session) ctx.state.principal = (await principalFromSession(sql, session)) ?? undefined;
    if (!ctx.state.principal) {
      // Wall screens send `Authorization: Display <token>`; a link may also carry ?token= for GETs.
      const header = ctx.get('authorization');
      const token = header.startsWith('Display ') ? header.slice(8).trim() : ctx.method === 'GET' ? (ctx.query.token as string | undefined) : undefined;
      if (token) ctx.state.principal = (await principalFromDisplayToken(sql, token)) ?? undefined;
    }
    await next();
  };
}
