// Liveness and readiness: /healthz while the process lives, /readyz only while the database answers and is migrated.
import type { Context } from 'koa';
import type { Deps } from './types.ts';
import { route, type Route } from './routes.ts';
import { migrationsApplied } from '../db/migrate.ts';

const READY_TIMEOUT_MS = 2000;

export function healthRoutes({ sql }: Deps): Route[] {
  return [
    route({ method: 'GET', path: '/healthz', allow: ['public'], handler(ctx) { ctx.body = { ok: true }; } }),
    route({ method: 'GET', path: '/readyz', allow: ['public'], handler: readyz }),
  ];

  async function readyz(ctx: Context) {
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), READY_TIMEOUT_MS).unref());
    const check = migrationsApplied(sql).then((ok) => (ok ? 'ok' : 'not migrated'), () => 'database unreachable');
    const result = await Promise.race([check, timeout]);
    ctx.status = result === 'ok' ? 200 : 503;
    ctx.body = result === 'ok' ? { ok: true } : { ok: false, reason: result === 'timeout' ? 'database not answering' : result };
  }
}
