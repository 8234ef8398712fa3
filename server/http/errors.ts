// The one HTTP error boundary: AppErrors become their status and message, anything else is logged once as 500.
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { AppError } from '../../shared/errors.ts';
import { translateDbError } from '../db/errors.ts';

export function errorBoundary(log: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.path.startsWith('/api/')) {
        if (ctx.status === 404 && ctx.body === undefined) throw new AppError('not_found', `no such endpoint: ${ctx.method} ${ctx.path}`);
        // The router's own 405 / 501 answers are plain text; API clients get the same JSON error shape as always.
        if (ctx.status === 405 || ctx.status === 501) throw new AppError('method_not_allowed', `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow') || 'none'}`);
      }
    } catch (raw) {
      const err = toAppError(raw, log, { method: ctx.method, path: ctx.path });
      ctx.status = err.status;
      ctx.body = { error: err.toJSON() };
      if (err.retryAfterS !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterS))));
      else if (err.code === 'unavailable') ctx.set('Retry-After', '2');
    }
  };
}

/** Maps anything thrown to an AppError that is safe to send; logs what is unexpected. */
export function toAppError(raw: unknown, log: Logger, context: Record<string, unknown> = {}): AppError {
  if (raw instanceof AppError) return raw;
  const e = raw as { status?: number; expose?: boolean; message?: string; type?: string };
  // Errors from koa's body parser (413 too large, 400 bad JSON, 415) carry a status and are safe to expose.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false) {
    if (e.status === 413) return new AppError('too_large', 'request body is too large');
    if (e.status === 415) return new AppError('unsupported_media', e.message ?? 'unsupported media type');
    return new AppError('bad_request', e.type === 'entity.parse.failed' ? 'body is not valid JSON' : (e.message ?? 'bad request'));
  }
  const db = translateDbError(raw);
  if (db) {
    if (db.code === 'unavailable') log.warn({ err: raw, ...context }, 'database unavailable');
    return db;
  }
  log.error({ err: raw, ...context }, 'unexpected error');
  return new AppError('internal', 'internal error');
}
