// Sign in, sign out, who am I. Signing out also disconnects that session's live sockets on every instance.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { ROLES } from '../../shared/domain.ts';
import { loginBody } from '../../shared/schemas.ts';
import { route, type Route } from '../http/routes.ts';
import { parse, parseId } from '../http/validate.ts';
import { createSignIn } from './login.ts';
import { createSession, deleteSession, SESSION_COOKIE } from './sessions.ts';
import { toMe } from './principal.ts';
import { principalFromSession } from './sessions.ts';
import { sessionRoom, userRoom } from '../live/rooms.ts';

export function authRoutes(deps: Deps): Route[] {
  const { sql, config, io } = deps;
  const signIn = createSignIn(deps);
  return [
    route({
      method: 'POST', path: '/api/auth/login', allow: ['public'],
      async handler(ctx) {
        const body = parse(loginBody, ctx.request.body);
        const userId = await signIn(body, ctx.ip);
        const session = await createSession(sql, userId, config.sessionTtlHours);
        // Behind a TLS-terminating proxy the hop to us is plain HTTP: the public URL says the browser's side is not.
        const secure = ctx.secure || (config.publicUrl?.startsWith('https://') ?? false);
        if (secure) ctx.cookies.secure = true;
        ctx.cookies.set(SESSION_COOKIE, session.token, {
          httpOnly: true, sameSite: 'strict', expires: session.expiresAt, secure, overwrite: true,
        });
        ctx.body = toMe((await principalFromSession(sql, session.token))!);
      },
    }),
    route({
      method: 'POST', path: '/api/auth/logout', allow: ROLES, body: 'none',
      async handler(ctx, p) {
        await deleteSession(sql, p.sessionId);
        ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', expires: new Date(0) });
        io.to(sessionRoom(p.sessionId)).emit('session:ended', { reason: 'logged out' });
        io.in(sessionRoom(p.sessionId)).disconnectSockets(true);
        ctx.status = 204;
      },
    }),
    route({
      method: 'GET', path: '/api/me', allow: ROLES,
      handler(ctx, p) { ctx.body = toMe(p); },
    }),
    /** Disabling an account ends its sessions and live sockets at once. */
    route({
      method: 'POST', path: '/api/users/:id/disable', allow: ['admin'], body: 'none',
      async handler(ctx, p) {
        const id = parseId(ctx.params.id);
        const rows = await sql`UPDATE users SET disabled = true WHERE id = ${id} AND street_office_id = ${p.streetOfficeId} RETURNING id`;
        if (rows.length === 0) throw new AppError('not_found', 'no such user');
        await sql`DELETE FROM sessions WHERE user_id = ${id}`;
        io.to(userRoom(id)).emit('session:ended', { reason: 'account disabled' });
        io.in(userRoom(id)).disconnectSockets(true);
        ctx.status = 204;
      },
    }),
  ];
}
