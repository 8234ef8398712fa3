// Database failures that mean "try again later" become 503, never a crash nor a lost write reported as done.
import { AppError } from '../../shared/errors.ts';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND']);
// admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections, serialization/deadlock are retryable.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08003', '08006', '08001', '08004']);

export function translateDbError(raw: unknown): AppError | null {
  const e = raw as { code?: string; errno?: string };
  const code = e?.code ?? e?.errno;
  if (!code) return null;
  if (CONNECTION_CODES.has(code) || PG_UNAVAILABLE.has(code)) return new AppError('unavailable', 'database unavailable, try again shortly');
  if (code === '40001' || code === '40P01') return new AppError('conflict', 'concurrent update, try again');
  return null;
}
