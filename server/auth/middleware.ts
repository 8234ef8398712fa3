// Attaches the principal behind the session cookie to every request. Display tokens are not accepted here: a wall
// screen's link reads only the live stream (the socket handshake takes it), never the REST API.
import type { Context, Next } from 'koa';
import type { Sql } from '../db/connect.ts';
import { principalFromSession, SESSION_COOKIE } from './sessions.ts';

const TOKEN_MAX = 200;

export function authenticate(sql: Sql) {
  return async (ctx: Context, next: Next) => {
    const session = ctx.cookies.get(SESSION_COOKIE);
    if (session && session.length <= TOKEN_MAX) ctx.state.principal = (await principalFromSession(sql, session)) ?? undefined;
    await next();
  };
}
