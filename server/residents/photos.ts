// A resident's photos on their own report: at most RESIDENT_MAX_PHOTOS, within RESIDENT_PHOTO_WINDOW_MIN of reporting,
// through the one photo check (photos/images.ts: type from the bytes, pixel and size limits, re-encoded, metadata
// gone). Whether the report may take a photo is decided before the body is read; a retry with the same key answers
// the photo stored the first time.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { RESIDENT_MAX_PHOTOS, RESIDENT_PHOTO_WINDOW_MIN } from '../../shared/residents.ts';
import type { TicketStatus } from '../../shared/tickets.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import type { CleanPhoto } from '../photos/images.ts';
import { publish } from '../live/outbox.ts';
import { appendEvent, tickerEvent } from '../tickets/history.ts';
import { ticketView } from '../tickets/views.ts';
import { mayAddPhotos } from './public-view.ts';
import { RESIDENT_ACTOR } from './report.ts';

type Q = Sql | postgres.TransactionSql<Record<string, never>>;
interface State { status: TicketStatus; channel: string; reported_at: Date; resident_photos: number }

const state = async (q: Q, ticketId: string): Promise<State> => {
  const [t] = await q<State[]>`
    SELECT t.status, t.channel, t.reported_at, (SELECT count(*)::int FROM ticket_photos p WHERE p.ticket_id = t.id AND p.by_resident) AS resident_photos
    FROM tickets t WHERE t.id = ${ticketId}`;
  return t;
};
const prior = async (q: Q, ticketId: string, key: string | null) =>
  key ? (await q<{ id: string }[]>`SELECT id FROM ticket_photos WHERE ticket_id = ${ticketId} AND idempotency_key = ${key}`)[0] ?? null : null;

function refusal(t: State): AppError {
  if (t.channel !== 'resident_page') return new AppError('forbidden', '这份报告不能由居民添加照片 · photos can be added only to a report made on the residents\' page');
  if (t.resident_photos >= RESIDENT_MAX_PHOTOS) return new AppError('conflict', `每份报告最多 ${RESIDENT_MAX_PHOTOS} 张照片 · at most ${RESIDENT_MAX_PHOTOS} photos per report`);
  return new AppError('conflict', `照片只能在上报后 ${RESIDENT_PHOTO_WINDOW_MIN} 分钟内、办结前添加 · photos can be added within ${RESIDENT_PHOTO_WINDOW_MIN} minutes of reporting, while it is open`);
}

export async function addResidentPhoto(sql: Sql, ticketId: string, opts: { idempotencyKey: string | null; readBody: () => Promise<CleanPhoto> }): Promise<{ photoCount: number }> {
  if (await prior(sql, ticketId, opts.idempotencyKey)) return { photoCount: (await state(sql, ticketId)).resident_photos };
  const before = await state(sql, ticketId);
  if (!mayAddPhotos(before)) throw refusal(before);
  const photo = await opts.readBody();
  return sql.begin(async (tx) => {
    // Uploads to one report take turns here, so two at once cannot both take its last place.
    await tx`SELECT id FROM tickets WHERE id = ${ticketId} FOR NO KEY UPDATE`;
    if (await prior(tx, ticketId, opts.idempotencyKey)) return { photoCount: (await state(tx, ticketId)).resident_photos };
    const now = await state(tx, ticketId);
    if (!mayAddPhotos(now)) throw refusal(now);
    const [ph] = await tx<{ id: string }[]>`
      INSERT INTO ticket_photos (ticket_id, content_type, bytes, uploaded_by, checked, by_resident, idempotency_key)
      VALUES (${ticketId}, ${photo.contentType}, ${photo.bytes}, NULL, true, true, ${opts.idempotencyKey}) RETURNING id`;
    await tx`UPDATE tickets SET version = version + 1 WHERE id = ${ticketId}`;
    const ev = await appendEvent(tx, { ticketId, action: 'photo', from: now.status, to: now.status, actor: RESIDENT_ACTOR, data: { photoId: ph.id, by: 'resident' } });
    const view = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(view), change: { kind: 'ticket', ticket: view, event: tickerEvent(view, 'photo', RESIDENT_ACTOR.label, ev.at) } }]);
    return { photoCount: now.resident_photos + 1 };
  });
}
