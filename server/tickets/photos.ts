// Photos attached to tickets (resolution evidence, residents' pictures): stored in PostgreSQL so every instance serves them.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { PhotoView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { publish } from '../live/outbox.ts';
import { cleanPhoto, type CleanPhoto, type PhotoLimits } from '../photos/images.ts';
import { appendEvent, tickerEvent } from './history.ts';
import { actorOf } from './create.ts';
import { visibleTicket } from './queries.ts';
import { ticketView } from './views.ts';
import { ticketAudience } from '../../shared/visibility.ts';

const view = (ph: { id: string; at: Date; content_type: string }): PhotoView =>
  ({ id: ph.id, url: `/api/photos/${ph.id}`, at: ph.at.toISOString(), contentType: ph.content_type });

const tooMany = (max: number) => new AppError('conflict', `this ticket already has ${max} photos, the most one ticket may have`);

/**
 * Adds a photo to a ticket. Who may add it, and whether the ticket has room, is decided before `readBody` is called:
 * an upload that is refused is refused with its body unread. A retry with a used Idempotency-Key answers the photo
 * it stored the first time (without reading the body again).
 */
export async function addPhoto(sql: Sql, p: Principal, ticketId: string, opts: {
  idempotencyKey: string | null; maxPerTicket: number; readBody: () => Promise<CleanPhoto>;
}): Promise<PhotoView> {
  if (p.kind !== 'user') throw new AppError('forbidden', 'a display token is read-only');
  const t = await visibleTicket(sql, p, ticketId);
  const mayAdd = ['admin', 'duty', 'leader'].includes(p.role) || (p.role === 'responder' && t.assigneeId === p.responderId);
  if (!mayAdd) throw new AppError('forbidden', 'only office staff and the assigned responder may add photos');
  const { idempotencyKey, maxPerTicket } = opts;
  const prior = async (db: Sql | postgres.TransactionSql<Record<string, never>>) => {
    if (!idempotencyKey) return null;
    const [row] = await db<{ id: string; at: Date; content_type: string }[]>`
      SELECT ph.id, ph.at, ph.content_type FROM action_keys k JOIN ticket_photos ph ON ph.id = k.result_id
      WHERE k.user_id = ${p.userId} AND k.key = ${idempotencyKey} AND k.action = 'photo'`;
    return row ? view(row) : null;
  };
  const before = await prior(sql);
  if (before) return before;
  const [{ n }] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM ticket_photos WHERE ticket_id = ${ticketId}`;
  if (n >= maxPerTicket) throw tooMany(maxPerTicket);

  const photo = await opts.readBody();
  return sql.begin(async (tx) => {
    // Uploads to one ticket take turns here, so two at once cannot both take its last place.
    await tx`SELECT id FROM tickets WHERE id = ${ticketId} FOR NO KEY UPDATE`;
    const again = await prior(tx);
    if (again) return again;
    const [{ n }] = await tx<{ n: number }[]>`SELECT count(*)::int AS n FROM ticket_photos WHERE ticket_id = ${ticketId}`;
    if (n >= maxPerTicket) throw tooMany(maxPerTicket);
    const [ph] = await tx<{ id: string; at: Date; content_type: string }[]>`
      INSERT INTO ticket_photos (ticket_id, content_type, bytes, uploaded_by, checked)
      VALUES (${ticketId}, ${photo.contentType}, ${photo.bytes}, ${p.userId}, true) RETURNING id, at, content_type`;
    if (idempotencyKey) {
      await tx`INSERT INTO action_keys (user_id, key, ticket_id, action, result_id) VALUES (${p.userId}, ${idempotencyKey}, ${ticketId}, 'photo', ${ph.id})`;
    }
    const actor = actorOf(p);
    const ev = await appendEvent(tx, { ticketId, action: 'photo', from: t.status, to: t.status, actor, data: { photoId: ph.id } });
    const v = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(v), change: { kind: 'ticket', ticket: v, event: tickerEvent(v, 'photo', actor.label, ev.at) } }]);
    return view(ph);
  });
}

/**
 * A stored photo, for someone who may see its ticket. Photos stored before they were checked (migration 041) are
 * cleaned the first time they are read; one that is not a readable image is not served.
 */
export async function readStoredPhoto(sql: Sql, p: Principal, photoId: string, limits: PhotoLimits): Promise<{ id: string; bytes: Buffer; contentType: string }> {
  const [row] = await sql<{ ticket_id: string; bytes: Buffer; content_type: string; checked: boolean }[]>`
    SELECT ticket_id, bytes, content_type, checked FROM ticket_photos WHERE id = ${photoId}`;
  if (!row) throw new AppError('not_found', 'no such photo');
  await visibleTicket(sql, p, row.ticket_id);
  if (row.checked) return { id: photoId, bytes: row.bytes, contentType: row.content_type };
  let clean: CleanPhoto;
  // Generous limits: these bytes were accepted once; what matters now is that they are an image and lose their metadata.
  try { clean = await cleanPhoto(row.bytes, { photoMaxBytes: Math.max(limits.photoMaxBytes, row.bytes.length), photoMaxPixels: 268_402_689 }); } catch {
    throw new AppError('not_found', 'this photo was stored before photos were checked and is not a readable image');
  }
  await sql`UPDATE ticket_photos SET bytes = ${clean.bytes}, content_type = ${clean.contentType}, checked = true WHERE id = ${photoId}`;
  return { id: photoId, bytes: clean.bytes, contentType: clean.contentType };
}
