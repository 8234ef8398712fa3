// Wall-screen links (display tokens) managed by an administrator: list, create (optionally for one community),
// rotate and revoke. Revoking ends that link's screens at once, on every instance.
import type { Sql } from '../db/connect.ts';
import type { Io } from '../http/types.ts';
import type { DisplayLinkView, NewDisplayLink } from '../../shared/api.ts';
import type { CreateDisplayLinkBody } from '../../shared/schemas.ts';
import { AppError } from '../../shared/errors.ts';
import type { UserPrincipal } from '../auth/principal.ts';
import { insertDisplayToken, newToken } from '../auth/sessions.ts';
import { displayRoom } from '../live/rooms.ts';

interface LinkRow { id: string; label: string; community_id: string | null; community_name: string | null; created_at: Date; created_by: string | null; last_used_at: Date | null; revoked_at: Date | null }

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const toView = (r: LinkRow): DisplayLinkView => ({
  id: r.id, label: r.label, communityId: r.community_id, communityName: r.community_name, createdAt: r.created_at.toISOString(),
  createdBy: r.created_by, lastUsedAt: iso(r.last_used_at), revokedAt: iso(r.revoked_at),
});

function selectLinks(sql: Sql, streetOfficeId: string, id: string | null = null) {
  return sql<LinkRow[]>`
    SELECT d.id, d.label, d.community_id, c.name AS community_name, d.created_at, u.display_name AS created_by, d.last_used_at, d.revoked_at
    FROM display_tokens d LEFT JOIN communities c ON c.id = d.community_id LEFT JOIN users u ON u.id = d.created_by
    WHERE d.street_office_id = ${streetOfficeId} ${id ? sql`AND d.id = ${id}` : sql``}
    ORDER BY d.revoked_at IS NOT NULL, d.id DESC`;
}

export async function listDisplayLinks(sql: Sql, p: UserPrincipal): Promise<DisplayLinkView[]> {
  return (await selectLinks(sql, p.streetOfficeId)).map(toView);
}

/** The wall URL a token opens; the token is in the URL by design (a wall PC has no keyboard), hence no-referrer. */
export const wallUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/wall?token=${encodeURIComponent(token)}`;

export async function createDisplayLink(sql: Sql, p: UserPrincipal, body: CreateDisplayLinkBody, base: string): Promise<NewDisplayLink> {
  if (body.communityId) {
    const [c] = await sql`SELECT 1 FROM communities WHERE id = ${body.communityId} AND street_office_id = ${p.streetOfficeId}`;
    if (!c) throw new AppError('bad_request', 'communityId: no such community in this street office', 'communityId');
  }
  const token = newToken();
  const id = await insertDisplayToken(sql, p.streetOfficeId, body.label, token, { communityId: body.communityId ?? null, createdBy: p.userId });
  const [link] = await selectLinks(sql, p.streetOfficeId, id);
  return { link: toView(link), token, url: wallUrl(base, token) };
}

/** Ends every screen open with this link, on every instance (the adapter carries it). */
function endScreens(io: Io, id: string, reason: string) {
  io.to(displayRoom(id)).emit('session:ended', { reason });
  io.in(displayRoom(id)).disconnectSockets(true);
}

export async function revokeDisplayLink(sql: Sql, io: Io, p: UserPrincipal, id: string): Promise<DisplayLinkView> {
  const rows = await sql<{ id: string }[]>`
    UPDATE display_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = ${id} AND street_office_id = ${p.streetOfficeId} RETURNING id`;
  if (!rows[0]) throw new AppError('not_found', 'no such display link');
  endScreens(io, id, 'display link revoked');
  const [link] = await selectLinks(sql, p.streetOfficeId, id);
  return toView(link);
}

/** A new token for the same label and scope; the old one is revoked in the same transaction. */
export async function rotateDisplayLink(sql: Sql, io: Io, p: UserPrincipal, id: string, base: string): Promise<NewDisplayLink> {
  const token = newToken();
  const newId = await sql.begin(async (tx) => {
    const [old] = await tx<{ label: string; community_id: string | null; revoked_at: Date | null }[]>`
      SELECT label, community_id, revoked_at FROM display_tokens WHERE id = ${id} AND street_office_id = ${p.streetOfficeId} FOR UPDATE`;
    if (!old) throw new AppError('not_found', 'no such display link');
    if (old.revoked_at) throw new AppError('conflict', 'this display link is revoked; create a new one instead');
    const made = await insertDisplayToken(tx, p.streetOfficeId, old.label, token, { communityId: old.community_id, createdBy: p.userId });
    await tx`UPDATE display_tokens SET revoked_at = now(), replaced_by = ${made} WHERE id = ${id}`;
    return made;
  });
  endScreens(io, id, 'display link rotated');
  const [link] = await selectLinks(sql, p.streetOfficeId, newId);
  return { link: toView(link), token, url: wallUrl(base, token) };
}
