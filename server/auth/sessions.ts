// Sessions and display tokens: random tokens handed out once, only their SHA-256 stored.
import { createHash, randomBytes } from 'node:crypto';
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { Principal, UserPrincipal } from './principal.ts';
import type { Role } from '../../shared/domain.ts';

export const SESSION_COOKIE = 'gridops_session';

export function newToken(): string { return randomBytes(32).toString('base64url'); }
export function tokenHash(token: string): Buffer { return createHash('sha256').update(token).digest(); }

export async function createSession(sql: Sql, userId: string, ttlHours: number): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const token = newToken();
  const [row] = await sql<{ id: string; expires_at: Date }[]>`
    INSERT INTO sessions (token_hash, user_id, expires_at)
    VALUES (${tokenHash(token)}, ${userId}, now() + make_interval(hours => ${ttlHours}))
    RETURNING id, expires_at`;
  return { token, sessionId: row.id, expiresAt: row.expires_at };
}

export async function deleteSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`DELETE FROM sessions WHERE id = ${sessionId}`;
}

interface UserRow { session_id: string; expires_at: Date | null; user_id: string; username: string; role: Role; display_name: string; street_office_id: string; responder_id: string | null; grid_ids: string[] }

/** The principal behind a session token, or null if unknown, expired or the account is disabled. */
export async function principalFromSession(sql: Sql, token: string): Promise<UserPrincipal | null> {
  return principalWhere(sql, sql`s.token_hash = ${tokenHash(token)} AND s.expires_at > now()`);
}

/** A user's principal without a session: for server-side actors such as the demo simulator. */
export async function principalForUser(sql: Sql, userId: string): Promise<UserPrincipal | null> {
  return principalWhere(sql, sql`s.id IS NULL AND u.id = ${userId}`, true);
}

async function principalWhere(sql: Sql, where: postgres.PendingQuery<postgres.Row[]>, sessionless = false): Promise<UserPrincipal | null> {
  const rows = await sql<UserRow[]>`
    SELECT coalesce(s.id, 0)::text AS session_id, s.expires_at, u.id AS user_id, u.username, u.role, u.display_name, u.street_office_id, u.responder_id,
      CASE WHEN u.role = 'responder'
        THEN ARRAY(SELECT grid_id::text FROM responder_grids WHERE responder_id = u.responder_id ORDER BY grid_id)
        ELSE ARRAY(SELECT grid_id::text FROM user_grids WHERE user_id = u.id ORDER BY grid_id) END AS grid_ids
    FROM users u ${sessionless ? sql`LEFT JOIN sessions s ON false` : sql`JOIN sessions s ON s.user_id = u.id`}
    WHERE ${where} AND NOT u.disabled`;
  const r = rows[0];
  if (!r) return null;
  return { kind: 'user', sessionId: r.session_id, sessionExpiresAt: r.expires_at?.toISOString() ?? null, userId: r.user_id, username: r.username, role: r.role, displayName: r.display_name, streetOfficeId: r.street_office_id, responderId: r.responder_id, gridIds: r.grid_ids };
}

/** The wall-screen principal behind a display link's token (and notes that it was used), or null if unknown or revoked. */
export async function principalFromDisplayToken(sql: Sql, token: string): Promise<Principal | null> {
  const rows = await sql<{ id: string; street_office_id: string; grid_ids: string[] | null }[]>`
    UPDATE display_tokens d SET last_used_at = now()
    WHERE token_hash = ${tokenHash(token)} AND revoked_at IS NULL
    RETURNING id, street_office_id,
      CASE WHEN community_id IS NULL THEN NULL
        ELSE ARRAY(SELECT g.id::text FROM grids g WHERE g.community_id = d.community_id ORDER BY g.id) END AS grid_ids`;
  const r = rows[0];
  return r ? { kind: 'display', displayTokenId: r.id, streetOfficeId: r.street_office_id, gridIds: r.grid_ids } : null;
}

type Q = Sql | postgres.TransactionSql<Record<string, never>>;

/** Stores a display link for `token` (only its hash); returns the link's id. */
export async function insertDisplayToken(q: Q, streetOfficeId: string, label: string, token: string,
  opts: { communityId?: string | null; createdBy?: string | null } = {}): Promise<string> {
  const [row] = await q<{ id: string }[]>`INSERT INTO display_tokens (street_office_id, token_hash, label, community_id, created_by)
    VALUES (${streetOfficeId}, ${tokenHash(token)}, ${label}, ${opts.communityId ?? null}, ${opts.createdBy ?? null}) RETURNING id`;
  return row.id;
}

export async function createDisplayToken(sql: Sql, streetOfficeId: string, label: string, token = newToken()): Promise<string> {
  await insertDisplayToken(sql, streetOfficeId, label, token);
  return token;
}

/** Reads the Cookie header by hand for the socket handshake (koa parses it for HTTP). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}
