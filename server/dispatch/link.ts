// "Link instead": a caller reports what is already a ticket. The call is kept as its own record, created already
// rejected as a duplicate of the original in one transaction.
//
// Why not simply skip creating anything? The duty officer still wants the second caller's name, phone and channel on
// file (to call them back when the original is done), and the metrics count rejected duplicates as "excluded".
// Why not create it and then reject it? In between, auto-dispatch would offer it to a responder and every console
// would beep for a ticket that never was work. One transaction: no dispatch, no flash on the wall, nothing to undo.
import type { Sql } from '../db/connect.ts';
import type { LinkReportBody, LinkReportResult } from '../../shared/dispatch-api.ts';
import { AppError } from '../../shared/errors.ts';
import { assertTicketVisible, type UserPrincipal } from '../auth/principal.ts';
import { findGridAt } from '../grids/assign.ts';
import { publish } from '../live/outbox.ts';
import { actorOf } from '../tickets/create.ts';
import { appendEvent, tickerEvent } from '../tickets/history.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import { ticketView } from '../tickets/views.ts';

export async function linkReport(sql: Sql, p: UserPrincipal, body: LinkReportBody, idempotencyKey: string | null): Promise<LinkReportResult & { created: boolean }> {
  const key = idempotencyKey ?? body.idempotencyKey ?? null;
  // A retry answers with what the first request made: the record and the ticket it was linked to then (not what this
  // body names), each only if the caller may see it.
  const answer = async (q: Parameters<typeof ticketView>[0], recordId: string, created: boolean) => {
    const record = (await ticketView(q, recordId))!;
    if (!record.duplicateOf) throw new AppError('conflict', 'this Idempotency-Key was used for another request');
    const original = (await ticketView(q, record.duplicateOf))!;
    for (const t of [record, original]) assertTicketVisible(p, t);
    return { record, original, created };
  };
  if (key) {
    const [prior] = await sql<{ id: string }[]>`SELECT id FROM tickets WHERE street_office_id = ${p.streetOfficeId} AND idempotency_key = ${key}`;
    if (prior) return answer(sql, prior.id, false);
  }

  return sql.begin(async (tx) => {
    const [orig] = await tx<{ id: string; street_office_id: string; grid_id: string; assignee_id: string | null }[]>`
      SELECT id, street_office_id, grid_id, assignee_id FROM tickets WHERE id = ${body.duplicateOf} FOR UPDATE`;
    if (!orig) throw new AppError('not_found', 'duplicateOf: no such ticket', 'duplicateOf');
    assertTicketVisible(p, { streetOfficeId: orig.street_office_id, gridId: orig.grid_id, assigneeId: orig.assignee_id });
    const [category] = await tx<{ urgency: string; response_target_s: number; resolution_target_s: number }[]>`
      SELECT urgency, response_target_s, resolution_target_s FROM categories WHERE code = ${body.category}`;
    if (!category) throw new AppError('bad_request', `category: unknown category "${body.category}"`, 'category');

    // The caller's own location decides the grid; outside every grid, the record simply sits with the original.
    let gridId = body.gridId ?? (await findGridAt(tx, p.streetOfficeId, body.lat, body.lng)) ?? orig.grid_id;
    const [g] = await tx<{ id: string }[]>`SELECT id FROM grids WHERE id = ${gridId} AND street_office_id = ${p.streetOfficeId}`;
    if (!g) throw new AppError('bad_request', 'gridId: no such grid in this street office', 'gridId');
    if (p.role === 'leader' && !p.gridIds.includes(gridId)) gridId = orig.grid_id;

    const inserted = await tx<{ id: string }[]>`
      INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, address,
        reporter_name, reporter_phone, response_target_s, resolution_target_s, created_by, idempotency_key, rejected_at, duplicate_of)
      VALUES (${p.streetOfficeId}, ${gridId}, ${body.category}, ${body.channel}, ${body.urgency ?? category.urgency}, 'rejected',
        ${body.description}, ${body.lat}, ${body.lng}, ${body.address ?? null}, ${body.reporterName ?? null}, ${body.reporterPhone ?? null},
        ${category.response_target_s}, ${category.resolution_target_s}, ${p.userId}, ${key}, now(), ${orig.id})
      ON CONFLICT (street_office_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id`;
    if (!inserted[0]) {
      const [dup] = await tx<{ id: string }[]>`SELECT id FROM tickets WHERE street_office_id = ${p.streetOfficeId} AND idempotency_key = ${key}`;
      return answer(tx, dup.id, false);
    }
    const id = inserted[0].id;
    const actor = actorOf(p);
    // Both steps are in the history, so the record reads like any other rejected duplicate.
    await appendEvent(tx, { ticketId: id, action: 'report', from: null, to: 'reported', actor, data: { channel: body.channel } });
    const ev = await appendEvent(tx, { ticketId: id, action: 'reject', from: 'reported', to: 'rejected', actor, reason: `重复报告，已并入 #${orig.id}`, data: { duplicateOf: orig.id } });
    const record = (await ticketView(tx, id))!;
    await publish(tx, [{ audience: ticketAudience(record), change: { kind: 'ticket', ticket: record, event: tickerEvent(record, 'reject', actor.label, ev.at) } }]);
    return { record, original: (await ticketView(tx, orig.id))!, created: true };
  });
}
