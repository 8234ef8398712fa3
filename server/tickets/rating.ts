// The resident's rating of a resolved ticket (entered by office staff from the call-back, or by the resident's channel).
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import type { UserPrincipal } from '../auth/principal.ts';
import { assertTicketVisible } from '../auth/principal.ts';
import { publish } from '../live/outbox.ts';
import { actorOf } from './create.ts';
import { appendEvent, tickerEvent } from './history.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import { ticketView } from './views.ts';

/** Office staff record the rating from a call-back (the route allows OFFICE_ROLES only). */
export async function rateTicket(sql: Sql, p: UserPrincipal, ticketId: string, body: { rating: number; comment?: string }): Promise<TicketView> {
  return sql.begin(async (tx) => {
    const [t] = await tx<{ status: string; street_office_id: string; grid_id: string; assignee_id: string | null }[]>`SELECT status, street_office_id, grid_id, assignee_id FROM tickets WHERE id = ${ticketId} FOR UPDATE`;
    if (!t) throw new AppError('not_found', 'no such ticket');
    assertTicketVisible(p, { streetOfficeId: t.street_office_id, gridId: t.grid_id, assigneeId: t.assignee_id });
    if (!['resolved', 'closed'].includes(t.status)) throw new AppError('conflict', `cannot rate: ticket is ${t.status}; only resolved or closed tickets are rated`);
    await tx`UPDATE tickets SET rating = ${body.rating}, version = version + 1 WHERE id = ${ticketId}`;
    const actor = actorOf(p);
    const ev = await appendEvent(tx, { ticketId, action: 'rate', from: t.status, to: t.status, actor, reason: body.comment ?? null, data: { rating: body.rating } });
    const view = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(view), change: { kind: 'ticket', ticket: view, event: tickerEvent(view, 'rate', actor.label, ev.at) } }]);
    return view;
  });
}
