// Open311 API keys: made by an administrator (admin page, or `npm run open311-key` on the server), shown once, kept as
// SHA-256, revoked by id or name. Checked on every POST request; a revoked key stops at once on every instance.
import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import type { NewOpen311Key, Open311KeyView } from '../../shared/open311.ts';

const hash = (key: string) => createHash('sha256').update(`gridops-open311:${key}`).digest();
/** `o311_` + 32 random bytes: recognisable in a config file, unguessable. */
export const newKey = () => `o311_${randomBytes(32).toString('base64url')}`;

interface Row { id: string; name: string; created_at: Date; created_by: string | null; last_used_at: Date | null; revoked_at: Date | null }
const view = (r: Row): Open311KeyView => ({
  id: r.id, name: r.name, createdAt: r.created_at.toISOString(), createdBy: r.created_by,
  lastUsedAt: r.last_used_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null,
});

function select(sql: Sql, streetOfficeId: string, id: string | null = null) {
  return sql<Row[]>`
    SELECT k.id, k.name, k.created_at, u.display_name AS created_by, k.last_used_at, k.revoked_at
    FROM open311_keys k LEFT JOIN users u ON u.id = k.created_by
    WHERE k.street_office_id = ${streetOfficeId} ${id ? sql`AND k.id = ${id}` : sql``}
    ORDER BY k.revoked_at IS NOT NULL, k.id DESC`;
}

export async function listKeys(sql: Sql, streetOfficeId: string): Promise<Open311KeyView[]> {
  return (await select(sql, streetOfficeId)).map(view);
}

export async function createKey(sql: Sql, streetOfficeId: string, name: string, createdBy: string | null): Promise<NewOpen311Key> {
  const key = newKey();
  const rows = await sql<{ id: string }[]>`
    INSERT INTO open311_keys (street_office_id, name, key_hash, created_by) VALUES (${streetOfficeId}, ${name}, ${hash(key)}, ${createdBy})
    ON CONFLICT (street_office_id, name) WHERE revoked_at IS NULL DO NOTHING RETURNING id`;
  if (!rows[0]) throw new AppError('conflict', `a key named "${name}" is already in use; revoke it first or pick another name`, 'name');
  const [row] = await select(sql, streetOfficeId, rows[0].id);
  return { key, view: view(row) };
}

/** Revokes by id (admin page) or by name (command line); revoking twice is a 404 the second time for a name. */
export async function revokeKey(sql: Sql, streetOfficeId: string, by: { id: string } | { name: string }): Promise<Open311KeyView> {
  const rows = 'id' in by
    ? await sql<{ id: string }[]>`UPDATE open311_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${by.id} AND street_office_id = ${streetOfficeId} RETURNING id`
    : await sql<{ id: string }[]>`UPDATE open311_keys SET revoked_at = now() WHERE name = ${by.name} AND street_office_id = ${streetOfficeId} AND revoked_at IS NULL RETURNING id`;
  if (!rows[0]) throw new AppError('not_found', 'id' in by ? 'no such key' : `no live key named "${by.name}"`);
  const [row] = await select(sql, streetOfficeId, rows[0].id);
  return view(row);
}

/** The live key behind a presented api_key, or null (looked up by its hash: no secret is compared in code). */
export async function keyFor(sql: Sql, presented: string): Promise<{ id: string; name: string; streetOfficeId: string } | null> {
  if (!/^o311_[A-Za-z0-9_-]{43}$/.test(presented)) return null;
  const [row] = await sql<{ id: string; name: string; street_office_id: string }[]>`
    SELECT id, name, street_office_id FROM open311_keys WHERE key_hash = ${hash(presented)} AND revoked_at IS NULL`;
  return row ? { id: row.id, name: row.name, streetOfficeId: row.street_office_id } : null;
}

/** Notes a key's use, in the transaction of the request it made (a refused request changes nothing). */
export async function markKeyUsed(q: Sql | import('postgres').TransactionSql<Record<string, never>>, keyId: string): Promise<void> {
  await q`UPDATE open311_keys SET last_used_at = now() WHERE id = ${keyId}`;
}
