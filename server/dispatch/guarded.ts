// An offer from the console that never silently replaces someone else's: compare the open offer with the one the
// leader saw, under the ticket's row lock, then dispatch in the same transaction.
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import type { GuardedOfferBody } from '../../shared/dispatch-api.ts';
import { AppError } from '../../shared/errors.ts';
import { assertTicketVisible, type UserPrincipal } from '../auth/principal.ts';
import { applyActionTx } from '../tickets/lifecycle.ts';
import { ticketView } from '../tickets/views.ts';

export async function guardedOffer(sql: Sql, p: UserPrincipal, ticketId: string, body: GuardedOfferBody, opts: { offerTimeoutS: number; idempotencyKey: string | null }): Promise<TicketView> {
  return sql.begin(async (tx) => {
    // The same lock applyAction takes: racing leaders queue here and each sees the other's result.
    const [t] = await tx<{ street_office_id: string; grid_id: string; assignee_id: string | null }[]>`SELECT street_office_id, grid_id, assignee_id FROM tickets WHERE id = ${ticketId} FOR UPDATE`;
    if (!t) throw new AppError('not_found', 'no such ticket');
    assertTicketVisible(p, { streetOfficeId: t.street_office_id, gridId: t.grid_id, assigneeId: t.assignee_id });
    const [open] = await tx<{ id: string; responder_id: string; name: string }[]>`
      SELECT o.id, o.responder_id, r.name FROM offers o JOIN responders r ON r.id = o.responder_id
      WHERE o.ticket_id = ${ticketId} AND o.status = 'offered'`;
    if (open && open.id !== body.expectOfferId) {
      // Already with the person asked for: a double click or a retry after a lost answer, not a conflict.
      if (open.responder_id === body.responderId) return (await ticketView(tx, ticketId))!;
      throw new AppError('conflict', `this ticket was just offered to ${open.name}; look again before re-offering`);
    }
    return applyActionTx(tx, {
      ticketId, action: 'dispatch', by: p, body: { responderId: body.responderId },
      offerTimeoutS: opts.offerTimeoutS, idempotencyKey: opts.idempotencyKey,
    });
  });
}
