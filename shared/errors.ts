// Error codes shared by the REST boundary, the socket boundary and the clients.

export const ERROR_CODES = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
  field?: string;
  /** For `rate_limited` (and `unavailable`): seconds until a retry can succeed; HTTP sends it as Retry-After too. */
  retryAfterS?: number;
}

/** An error meant for the client: its message is safe to show. Anything else is logged and reported as `internal`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfterS?: number;
  /** The third argument is the field at fault, or `{ field, retryAfterS }`. */
  constructor(code: ErrorCode, message: string, detail?: string | { field?: string; retryAfterS?: number }) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    const d = typeof detail === 'string' ? { field: detail } : (detail ?? {});
    this.field = d.field;
    this.retryAfterS = d.retryAfterS;
  }
  get status(): number { return ERROR_CODES[this.code]; }
  toJSON(): AppErrorShape {
    return {
      code: this.code, message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.retryAfterS !== undefined ? { retryAfterS: this.retryAfterS } : {}),
    };
  }
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: AppErrorShape };
