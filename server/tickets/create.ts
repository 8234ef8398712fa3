// Reporting a ticket: category and grid resolved, idempotent on the client's key, history and change stream written.
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import { RECEIVED_MAX_AGE_DAYS, type CreateTicketBody } from '../../shared/schemas.ts';
import type { Principal, UserPrincipal } from '../auth/principal.ts';
import { OFFICE_ROLES } from '../../shared/domain.ts';
import { findGridAt } from '../grids/assign.ts';
import { publish } from '../live/outbox.ts';
import { appendEvent, tickerEvent, type Actor } from './history.ts';
import { ticketView } from './views.ts';
import { ticketAudience } from '../../shared/visibility.ts';

export function actorOf(p: Principal | null, systemLabel = '系统'): Actor {
  if (!p || p.kind !== 'user') return { userId: null, responderId: null, label: systemLabel };
  return { userId: p.userId, responderId: p.responderId, label: p.displayName };
}

/** Who may report is the route's rule (REPORTER_ROLES); the grid-by-hand and own-grid rules are checked here. */
export async function createTicket(sql: Sql, p: UserPrincipal, body: CreateTicketBody, idempotencyKey: string | null): Promise<{ ticket: TicketView; created: boolean }> {
  const key = idempotencyKey ?? body.idempotencyKey ?? null;
  // Entered later than it came in: the clock starts when the resident reported (the `report` event keeps the entry time).
  let receivedAt: Date | null = null;
  if (body.receivedAt) {
    if (!(OFFICE_ROLES as readonly string[]).includes(p.role)) throw new AppError('forbidden', 'only office staff may date a report they enter later', 'receivedAt');
    receivedAt = new Date(body.receivedAt);
    if (receivedAt.getTime() > Date.now() + 60_000) throw new AppError('bad_request', 'receivedAt: must not be in the future', 'receivedAt');
    if (receivedAt.getTime() < Date.now() - RECEIVED_MAX_AGE_DAYS * 86_400_000) throw new AppError('bad_request', `receivedAt: at most ${RECEIVED_MAX_AGE_DAYS} days back`, 'receivedAt');
  }

  if (key) {
    const existing = await sql<{ id: string }[]>`SELECT id FROM tickets WHERE street_office_id = ${p.streetOfficeId} AND idempotency_key = ${key}`;
    if (existing[0]) return { ticket: (await ticketView(sql, existing[0].id))!, created: false };
  }

  return sql.begin(async (tx) => {
    const [category] = await tx<{ urgency: string; response_target_s: number; resolution_target_s: number }[]>`
      SELECT urgency, response_target_s, resolution_target_s FROM categories WHERE code = ${body.category}`;
    if (!category) throw new AppError('bad_request', `category: unknown category "${body.category}"`, 'category');

    let gridId: string | null;
    if (body.gridId) {
      // Picked by hand (the location is outside every grid, or the reporter knows better): office roles only.
      if (!(OFFICE_ROLES as readonly string[]).includes(p.role)) throw new AppError('forbidden', 'only office staff may pick a grid by hand');
      const [g] = await tx<{ id: string }[]>`SELECT id FROM grids WHERE id = ${body.gridId} AND street_office_id = ${p.streetOfficeId}`;
      if (!g) throw new AppError('bad_request', 'gridId: no such grid in this street office', 'gridId');
      gridId = g.id;
    } else {
      gridId = await findGridAt(tx, p.streetOfficeId, body.lat, body.lng);
      if (!gridId) throw new AppError('bad_request', 'location: outside every grid of this street office; duty staff can pick the grid by hand (gridId)', 'location');
    }
    if (p.role === 'leader' && !p.gridIds.includes(gridId)) throw new AppError('forbidden', 'this location is outside your grids');

    const inserted = await tx<{ id: string; reported_at: Date }[]>`
      INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, address,
        reporter_name, reporter_phone, response_target_s, resolution_target_s, created_by, idempotency_key, reported_at)
      VALUES (${p.streetOfficeId}, ${gridId}, ${body.category}, ${body.channel}, ${body.urgency ?? category.urgency}, 'reported',
        ${body.description}, ${body.lat}, ${body.lng}, ${body.address ?? null}, ${body.reporterName ?? null}, ${body.reporterPhone ?? null},
        ${category.response_target_s}, ${category.resolution_target_s}, ${p.userId}, ${key}, ${receivedAt ? tx`least(${receivedAt}::timestamptz, now())` : tx`now()`})
      ON CONFLICT (street_office_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING id, reported_at`;
    if (!inserted[0]) {
      // A concurrent retry with the same key won the race: answer with its ticket.
      const [dup] = await tx<{ id: string }[]>`SELECT id FROM tickets WHERE street_office_id = ${p.streetOfficeId} AND idempotency_key = ${key}`;
      return { ticket: (await ticketView(tx, dup.id))!, created: false };
    }
    const id = inserted[0].id;
    const actor = actorOf(p);
    const ev = await appendEvent(tx, { ticketId: id, action: 'report', from: null, to: 'reported', actor, data: { channel: body.channel } });
    const ticket = (await ticketView(tx, id))!;
    await publish(tx, [{ audience: ticketAudience(ticket), change: { kind: 'ticket', ticket, event: tickerEvent(ticket, 'report', actor.label, ev.at) } }]);
    return { ticket, created: true };
  });
}
