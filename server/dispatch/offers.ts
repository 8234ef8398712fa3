// Offers: a ticket handed to one responder for a limited time. The database's partial unique indexes
// guarantee one open offer per ticket and per responder, whoever races.
import type postgres from 'postgres';
import type { OfferView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { Audience, ChangeBody } from '../live/outbox.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;
type Q = postgres.Sql<Record<string, never>> | Tx;

interface OfferRow { id: string; ticket_id: string; responder_id: string; responder_name: string; status: OfferView['status']; offered_at: Date; expires_at: Date; answered_at: Date | null }

export function toOfferView(r: OfferRow): OfferView {
  return { id: r.id, ticketId: r.ticket_id, responderId: r.responder_id, responderName: r.responder_name, status: r.status, offeredAt: r.offered_at.toISOString(), expiresAt: r.expires_at.toISOString(), answeredAt: r.answered_at?.toISOString() ?? null };
}

export function offerChange(o: OfferView, t: { street_office_id: string; grid_id: string }): { audience: Audience; change: ChangeBody } {
  return { audience: { streetOfficeId: t.street_office_id, gridIds: [t.grid_id], responderIds: [o.responderId] }, change: { kind: 'offer', offer: o } };
}

export async function createOffer(tx: Tx, { ticket, responderId, by, timeoutS }: {
  ticket: { id: string; street_office_id: string; grid_id: string };
  responderId: string; by: Principal | { kind: 'system' | 'resident' }; timeoutS: number;
}): Promise<OfferView> {
  const [r] = await tx<{ duty_status: string; street_office_id: string; grid_ids: string[] }[]>`
    SELECT duty_status, street_office_id, ARRAY(SELECT grid_id::text FROM responder_grids WHERE responder_id = r.id) AS grid_ids
    FROM responders r WHERE r.id = ${responderId} FOR UPDATE`;
  if (!r || r.street_office_id !== ticket.street_office_id) throw new AppError('bad_request', 'responderId: no such responder in this street office', 'responderId');
  if (by.kind === 'user' && by.role === 'leader' && !r.grid_ids.some((g) => by.gridIds.includes(g))) {
    throw new AppError('forbidden', 'this responder does not belong to your grids');
  }
  if (r.duty_status === 'off_duty') throw new AppError('conflict', 'this responder is off duty');
  if (r.duty_status === 'offered') throw new AppError('conflict', 'this responder already has an open offer');
  const declined = await tx`SELECT 1 FROM offers WHERE ticket_id = ${ticket.id} AND responder_id = ${responderId} AND status IN ('declined', 'expired') LIMIT 1`;
  if (declined.length > 0 && by.kind === 'system') throw new AppError('conflict', 'this responder already passed on this ticket');
  const offeredBy = by.kind === 'user' ? by.userId : null;
  try {
    const [row] = await tx<OfferRow[]>`
      WITH o AS (
        INSERT INTO offers (ticket_id, responder_id, status, expires_at, offered_by)
        VALUES (${ticket.id}, ${responderId}, 'offered', now() + make_interval(secs => ${timeoutS}), ${offeredBy})
        RETURNING *)
      SELECT o.*, r.name AS responder_name FROM o JOIN responders r ON r.id = o.responder_id`;
    return toOfferView(row);
  } catch (e) {
    // The partial unique index caught a race the checks above could not see.
    if ((e as { code?: string }).code === '23505') throw new AppError('conflict', 'this responder or ticket already has an open offer');
    throw e;
  }
}

/** Closes the ticket's open offer, if any, and returns it as it now stands. */
export async function closeOpenOffer(tx: Tx, ticketId: string, status: 'accepted' | 'declined' | 'expired' | 'withdrawn'): Promise<OfferView | null> {
  const [row] = await tx<OfferRow[]>`
    WITH o AS (
      UPDATE offers SET status = ${status}, answered_at = now() WHERE ticket_id = ${ticketId} AND status = 'offered' RETURNING *)
    SELECT o.*, r.name AS responder_name FROM o JOIN responders r ON r.id = o.responder_id`;
  return row ? toOfferView(row) : null;
}

export async function offersOfTicket(q: Q, ticketId: string): Promise<OfferView[]> {
  const rows = await q<OfferRow[]>`
    SELECT o.*, r.name AS responder_name FROM offers o JOIN responders r ON r.id = o.responder_id WHERE o.ticket_id = ${ticketId} ORDER BY o.id`;
  return rows.map(toOfferView);
}

export async function openOffersFor(q: Q, where: postgres.PendingQuery<postgres.Row[]>): Promise<OfferView[]> {
  const rows = await q<OfferRow[]>`
    SELECT o.*, r.name AS responder_name FROM offers o JOIN responders r ON r.id = o.responder_id
    JOIN tickets t ON t.id = o.ticket_id WHERE o.status = 'offered' AND ${where} ORDER BY o.id`;
  return rows.map(toOfferView);
}
