// Photos attached to tickets (resolution evidence, residents' pictures): stored in PostgreSQL so every instance serves them.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import type { Sql } from '../db/connect.ts';
import type { PhotoView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { publish } from '../live/outbox.ts';
import { appendEvent, tickerEvent } from './history.ts';
import { actorOf } from './create.ts';
import { visibleTicket } from './queries.ts';
import { ticketView } from './views.ts';
import { ticketAudience } from '../../shared/visibility.ts';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;

/** Reads an image body; wrong type is 415, too big is 413. */
export async function readPhoto(ctx: Context): Promise<{ bytes: Buffer; contentType: string }> {
  const contentType = (ctx.get('content-type').split(';')[0] || '').trim().toLowerCase();
  if (!(PHOTO_TYPES as readonly string[]).includes(contentType)) {
    throw new AppError('unsupported_media', `photo must be one of ${PHOTO_TYPES.join(', ')} (got ${contentType || 'nothing'})`);
  }
  const bytes = await getRawBody(ctx.req, { limit: PHOTO_MAX_BYTES, length: ctx.get('content-length') || undefined });
  if (bytes.length === 0) throw new AppError('bad_request', 'photo is empty');
  return { bytes, contentType };
}

export async function addPhoto(sql: Sql, p: Principal, ticketId: string, photo: { bytes: Buffer; contentType: string }, idempotencyKey: string | null): Promise<PhotoView> {
  if (p.kind !== 'user') throw new AppError('forbidden', 'a display token is read-only');
  const t = await visibleTicket(sql, p, ticketId);
  const mayAdd = ['admin', 'duty', 'leader'].includes(p.role) || (p.role === 'responder' && t.assigneeId === p.responderId);
  if (!mayAdd) throw new AppError('forbidden', 'only office staff and the assigned responder may add photos');
  return sql.begin(async (tx) => {
    if (idempotencyKey) {
      const [prior] = await tx<{ result_id: string | null }[]>`SELECT result_id FROM action_keys WHERE user_id = ${p.userId} AND key = ${idempotencyKey}`;
      if (prior?.result_id) {
        const [ph] = await tx<{ id: string; at: Date; content_type: string }[]>`SELECT id, at, content_type FROM ticket_photos WHERE id = ${prior.result_id}`;
        return { id: ph.id, url: `/api/photos/${ph.id}`, at: ph.at.toISOString(), contentType: ph.content_type };
      }
    }
    const [ph] = await tx<{ id: string; at: Date }[]>`
      INSERT INTO ticket_photos (ticket_id, content_type, bytes, uploaded_by) VALUES (${ticketId}, ${photo.contentType}, ${photo.bytes}, ${p.userId}) RETURNING id, at`;
    if (idempotencyKey) {
      await tx`INSERT INTO action_keys (user_id, key, ticket_id, action, result_id) VALUES (${p.userId}, ${idempotencyKey}, ${ticketId}, 'photo', ${ph.id})`;
    }
    const actor = actorOf(p);
    const ev = await appendEvent(tx, { ticketId, action: 'photo', from: t.status, to: t.status, actor, data: { photoId: ph.id } });
    const view = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(view), change: { kind: 'ticket', ticket: view, event: tickerEvent(view, 'photo', actor.label, ev.at) } }]);
    return { id: ph.id, url: `/api/photos/${ph.id}`, at: ph.at.toISOString(), contentType: photo.contentType };
  });
}

export async function readStoredPhoto(sql: Sql, p: Principal, photoId: string): Promise<{ bytes: Buffer; contentType: string }> {
  const [row] = await sql<{ ticket_id: string; bytes: Buffer; content_type: string }[]>`SELECT ticket_id, bytes, content_type FROM ticket_photos WHERE id = ${photoId}`;
  if (!row) throw new AppError('not_found', 'no such photo');
  await visibleTicket(sql, p, row.ticket_id);
  return { bytes: row.bytes, contentType: row.content_type };
}
