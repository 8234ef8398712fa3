// Reporting a ticket: category and grid resolved, idempotent on the client's key, history and change stream written.
// One core (insertTicket) for every door: staff, the residents' page and Open311.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { Channel, Urgency } from '../../shared/domain.ts';
import { RECEIVED_MAX_AGE_DAYS, type CreateTicketBody } from '../../shared/schemas.ts';
import type { Principal, UserPrincipal } from '../auth/principal.ts';
import { OFFICE_ROLES } from '../../shared/domain.ts';
import { findGridAt } from '../grids/assign.ts';
import { publish } from '../live/outbox.ts';
import { appendEvent, tickerEvent, type Actor } from './history.ts';
import { ticketView } from './views.ts';
import { ticketAudience } from '../../shared/visibility.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;

export function actorOf(p: Principal | null, systemLabel = '系统'): Actor {
  if (!p || p.kind !== 'user') return { userId: null, responderId: null, label: systemLabel };
  return { userId: p.userId, responderId: p.responderId, label: p.displayName };
}

/** Everything a new ticket is made of, whoever reports it; the grid is already decided. */
export interface NewTicket {
  streetOfficeId: string;
  gridId: string;
  category: string;
  channel: Channel;
  description: string;
  lat: number;
  lng: number;
  address?: string | null;
  reporterName?: string | null;
  reporterPhone?: string | null;
  urgency?: Urgency;
  actor: Actor;
  createdBy: string | null;
  idempotencyKey: string | null;
  attributes?: Record<string, unknown>;
  intake?: Record<string, unknown>;
  /** Residents' tickets: the tracking code's hash and its sealed copy (residents/tracking.ts). */
  tracking?: { hash: Buffer; sealed: Buffer | null } | null;
  /** Entered later than it came in: when the resident reported (never later than now); default now. */
  reportedAt?: Date | null;
}

/** The category's row, or a 400 naming it. */
export async function categoryRow(q: Sql | Tx, code: string): Promise<{ urgency: Urgency; response_target_s: number; resolution_target_s: number }> {
  const [category] = await q<{ urgency: Urgency; response_target_s: number; resolution_target_s: number }[]>`
    SELECT urgency, response_target_s, resolution_target_s FROM categories WHERE code = ${code}`;
  if (!category) throw new AppError('bad_request', `category: unknown category "${code}"`, 'category');
  return category;
}

/** An earlier ticket made with this idempotency key in this street office, if any. */
export async function ticketByKey(q: Sql | Tx, streetOfficeId: string, key: string): Promise<string | null> {
  const [row] = await q<{ id: string }[]>`SELECT id FROM tickets WHERE street_office_id = ${streetOfficeId} AND idempotency_key = ${key}`;
  return row?.id ?? null;
}

/**
 * Inserts the ticket, its first history entry and its change in the caller's transaction. A concurrent retry with the
 * same idempotency key that won the race is answered instead (created: false).
 */
export async function insertTicket(tx: Tx, t: NewTicket): Promise<{ ticket: TicketView; created: boolean }> {
  const category = await categoryRow(tx, t.category);
  const inserted = await tx<{ id: string }[]>`
    INSERT INTO tickets (street_office_id, grid_id, category, channel, urgency, status, description, lat, lng, address,
      reporter_name, reporter_phone, response_target_s, resolution_target_s, created_by, idempotency_key, attributes, intake,
      tracking_hash, tracking_sealed, reported_at)
    VALUES (${t.streetOfficeId}, ${t.gridId}, ${t.category}, ${t.channel}, ${t.urgency ?? category.urgency}, 'reported',
      ${t.description}, ${t.lat}, ${t.lng}, ${t.address ?? null}, ${t.reporterName ?? null}, ${t.reporterPhone ?? null},
      ${category.response_target_s}, ${category.resolution_target_s}, ${t.createdBy}, ${t.idempotencyKey},
      ${tx.json((t.attributes ?? {}) as never)}, ${tx.json((t.intake ?? {}) as never)}, ${t.tracking?.hash ?? null}, ${t.tracking?.sealed ?? null},
      ${t.reportedAt ? tx`least(${t.reportedAt}::timestamptz, now())` : tx`now()`})
    ON CONFLICT (street_office_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id`;
  if (!inserted[0]) {
    const dup = await ticketByKey(tx, t.streetOfficeId, t.idempotencyKey!);
    return { ticket: (await ticketView(tx, dup!))!, created: false };
  }
  const id = inserted[0].id;
  const ev = await appendEvent(tx, { ticketId: id, action: 'report', from: null, to: 'reported', actor: t.actor, data: { channel: t.channel } });
  const ticket = (await ticketView(tx, id))!;
  await publish(tx, [{ audience: ticketAudience(ticket), change: { kind: 'ticket', ticket, event: tickerEvent(ticket, 'report', t.actor.label, ev.at) } }]);
  return { ticket, created: true };
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
    const existing = await ticketByKey(sql, p.streetOfficeId, key);
    if (existing) return { ticket: (await ticketView(sql, existing))!, created: false };
  }

  return sql.begin(async (tx) => {
    await categoryRow(tx, body.category);
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
    return insertTicket(tx, {
      streetOfficeId: p.streetOfficeId, gridId, category: body.category, channel: body.channel, description: body.description,
      lat: body.lat, lng: body.lng, address: body.address, reporterName: body.reporterName, reporterPhone: body.reporterPhone,
      urgency: body.urgency, actor: actorOf(p), createdBy: p.userId, idempotencyKey: key, reportedAt: receivedAt,
    });
  });
}
