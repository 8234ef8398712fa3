// Serves the built client; any non-API path without a file falls back to index.html (the client routes).
import path from 'node:path';
import type { Context, Next } from 'koa';
import serve from 'koa-static';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { pageHtml } from './page-hints.ts';

export function serveClient(distDir: string) {
  const files = serve(distDir, { maxage: 0, index: 'index.html' });
  const assets = serve(distDir, { maxage: 365 * 86400_000, immutable: true });
  return async (ctx: Context, next: Next) => {
    if (ctx.path.startsWith('/api/') || ctx.path.startsWith('/socket.io') || ctx.path.startsWith('/open311/')) return next();
    if (ctx.path.startsWith('/assets/')) return assets(ctx, next);
    await files(ctx, async () => {});
    if (ctx.body == null && ctx.method === 'GET' && !path.extname(ctx.path)) {
      try {
        ctx.type = 'html';
        ctx.body = await pageHtml(distDir, ctx.path, ctx.querystring, Boolean(ctx.cookies.get(SESSION_COOKIE)));
      } catch {
        ctx.status = 503;
        ctx.type = 'text';
        ctx.body = 'client not built: run `npm run build` (npm start does it)';
      }
    }
    if (ctx.body == null) await next();
  };
}
