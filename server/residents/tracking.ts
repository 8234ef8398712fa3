// Tracking codes: 128 random bits shown once to the resident, kept only as SHA-256 (looked up by that hash, so no
// comparison of secrets happens in code). A retried report (same idempotency key, which only the reporting phone
// knows) shows the same code again: the code is also kept sealed with AES-256-GCM under a key derived from it.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { TRACKING_CODE } from '../../shared/residents.ts';

type Q = Sql | postgres.TransactionSql<Record<string, never>>;

export function newTrackingCode(): string { return randomBytes(16).toString('base64url'); }
export function trackingHash(code: string): Buffer { return createHash('sha256').update(`gridops-track:${code}`).digest(); }

const sealKey = (idempotencyKey: string) => createHash('sha256').update(`gridops-track-seal:${idempotencyKey}`).digest();

/** iv (12) ‖ tag (16) ‖ ciphertext: readable again only with the idempotency key the report was made with. */
export function sealCode(code: string, idempotencyKey: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealKey(idempotencyKey), iv);
  const body = Buffer.concat([c.update(code, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

export function unsealCode(sealed: Buffer, idempotencyKey: string): string | null {
  try {
    const d = createDecipheriv('aes-256-gcm', sealKey(idempotencyKey), sealed.subarray(0, 12));
    d.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
  } catch {
    return null;
  }
}

/** The ticket a tracking code opens, or a 404 that says no more than "no such code" (malformed codes never reach SQL). */
export async function ticketIdByCode(q: Q, code: string | undefined): Promise<string> {
  if (!code || !TRACKING_CODE.test(code)) throw new AppError('not_found', '没有这个查询码 · no such tracking code');
  const [row] = await q<{ id: string }[]>`SELECT id FROM tickets WHERE tracking_hash = ${trackingHash(code)}`;
  if (!row) throw new AppError('not_found', '没有这个查询码 · no such tracking code');
  return row.id;
}
