// Parses request input with a shared schema; a failure is a 400 naming the field and the reason.
import type { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import { describeZodError } from '../../shared/schemas.ts';

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) {
    const { field, message } = describeZodError(r.error);
    throw new AppError('bad_request', message, field);
  }
  return r.data;
}

export function parseId(value: string | undefined, what = 'id'): string {
  if (!value || !/^\d{1,18}$/.test(value)) throw new AppError('bad_request', `${what} must be a numeric id`, what);
  return value;
}

/** The Idempotency-Key header of a retried request: absent, or 8 to 100 characters. */
export function idempotencyKey(header: string): string | null {
  if (!header) return null;
  if (header.length < 8 || header.length > 100) throw new AppError('bad_request', 'Idempotency-Key must be 8 to 100 characters', 'Idempotency-Key');
  return header;
}
