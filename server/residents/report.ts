// A resident's report from the public page: the place decides the grid (outside every grid is a plain-words 400
// naming the nearest community's phone), a retry with the phone's idempotency key finds the same ticket and shows
// the same tracking code, the category's questions are checked, and the ticket is an ordinary ticket from then on.
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { trackUrlPath, type PublicReportBody, type ReportReceipt } from '../../shared/residents.ts';
import { checkAttributes, describeAnswers } from '../catalog/attributes.ts';
import { insertTicket, ticketByKey } from '../tickets/create.ts';
import { attributesByCategory, gridAnywhere, nearestCommunity } from './places.ts';
import { newTrackingCode, sealCode, trackingHash, unsealCode } from './tracking.ts';

/** The history's actor for what residents do themselves. */
export const RESIDENT_ACTOR = { userId: null, responderId: null, label: '居民' } as const;
/** Residents' idempotency keys live beside staff keys in one unique index: a prefix keeps them apart. */
const residentKey = (key: string) => `resident:${key}`;

export async function outsideEveryGrid(sql: Sql, lat: number, lng: number): Promise<AppError> {
  const near = await nearestCommunity(sql, lat, lng);
  const call = near?.phone ? `请拨打${near.name}电话 ${near.phone} · please call ${near.name} on ${near.phone}` : '请联系所在社区 · please call your community';
  return new AppError('bad_request', `这个位置不在我们的网格内，无法在线上报。${call}`, 'location');
}

/** Creates the ticket (or finds the one this key already made); answers its tracking code and whether it is new. */
export async function reportAsResident(sql: Sql, body: PublicReportBody, idempotencyKey: string | null): Promise<ReportReceipt & { ticketId: string }> {
  const grid = await gridAnywhere(sql, body.lat, body.lng);
  if (!grid) throw await outsideEveryGrid(sql, body.lat, body.lng);
  const key = idempotencyKey ? residentKey(idempotencyKey) : null;
  if (key && idempotencyKey) {
    const again = await retried(sql, grid.streetOfficeId, key, idempotencyKey);
    if (again) return again;
  }
  const [category] = await sql<{ name_zh: string }[]>`SELECT name_zh FROM categories WHERE code = ${body.category}`;
  if (!category) throw new AppError('bad_request', `category: unknown category "${body.category}"`, 'category');
  const defs = (await attributesByCategory(sql, body.category)).get(body.category) ?? [];
  const answers = checkAttributes(defs, body.attributes);
  const said = body.description?.trim() || `${category.name_zh}（居民随手拍）`;
  const extra = describeAnswers(defs, answers);
  const code = newTrackingCode();
  const result = await sql.begin((tx) => insertTicket(tx, {
    streetOfficeId: grid.streetOfficeId, gridId: grid.id, category: body.category, channel: 'resident_page',
    description: extra ? `${said}（${extra}）` : said, lat: body.lat, lng: body.lng,
    reporterName: body.name ?? null, reporterPhone: body.phone ?? null, actor: RESIDENT_ACTOR, createdBy: null,
    idempotencyKey: key, attributes: answers, tracking: { hash: trackingHash(code), sealed: idempotencyKey ? sealCode(code, idempotencyKey) : null },
  }));
  if (!result.created) {
    // A concurrent retry with the same key won the race: its code is the one to show.
    const again = await retried(sql, grid.streetOfficeId, key!, idempotencyKey!);
    if (again) return again;
  }
  return { trackingCode: code, trackUrl: trackUrlPath(code), created: result.created, ticketId: result.ticket.id };
}

async function retried(sql: Sql, streetOfficeId: string, key: string, idempotencyKey: string): Promise<(ReportReceipt & { ticketId: string }) | null> {
  const id = await ticketByKey(sql, streetOfficeId, key);
  if (!id) return null;
  const [row] = await sql<{ tracking_sealed: Buffer | null }[]>`SELECT tracking_sealed FROM tickets WHERE id = ${id}`;
  const code = row.tracking_sealed ? unsealCode(row.tracking_sealed, idempotencyKey) : null;
  if (!code) throw new AppError('conflict', 'this Idempotency-Key was used for another report');
  return { trackingCode: code, trackUrl: trackUrlPath(code), created: false, ticketId: id };
}
