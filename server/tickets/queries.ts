// Ticket reads for the REST API: lists scoped to the principal, and the full detail with history.
import type { Sql } from '../db/connect.ts';
import type { PhoneRevealView, RevealedPhone, TicketDetail, TicketView } from '../../shared/api.ts';
import { OFFICE_ROLES } from '../../shared/domain.ts';
import { AppError } from '../../shared/errors.ts';
import type { listTicketsQuery } from '../../shared/schemas.ts';
import { allowedActions } from '../../shared/tickets.ts';
import type { z } from 'zod';
import { assertTicketVisible, scopeOf, type Principal } from '../auth/principal.ts';
import { ticketsInScope } from '../auth/scope-sql.ts';
import { offersOfTicket } from '../dispatch/offers.ts';
import { responseClockSql } from './response-clock.ts';
import { ticketEvents } from './history.ts';
import { selectTickets, toTicketView } from './views.ts';

export async function listTickets(sql: Sql, p: Principal, q: z.infer<typeof listTicketsQuery>): Promise<{ items: TicketView[]; nextBefore: string | null }> {
  const where = sql`${ticketsInScope(sql, scopeOf(p))}
    ${q.status ? sql`AND t.status = ANY(${q.status})` : sql``}
    ${q.communityId ? sql`AND g.community_id = ${q.communityId}` : sql``}
    ${q.gridId ? sql`AND t.grid_id = ${q.gridId}` : sql``}
    ${q.category ? sql`AND t.category = ${q.category}` : sql``}
    ${q.overdue === 'true' ? sql`AND ${responseClockSql(sql).overdue(sql`now()`)}` : sql``}
    ${q.before ? sql`AND t.id < ${q.before}` : sql``}`;
  const rows = await selectTickets(sql, where, sql`ORDER BY t.id DESC LIMIT ${q.limit + 1}`);
  const items = rows.slice(0, q.limit).map(toTicketView);
  return { items, nextBefore: rows.length > q.limit ? items[items.length - 1].id : null };
}

/** Loads a ticket the principal may see, or throws 404/403 as the scope rules say. */
export async function visibleTicket(sql: Sql, p: Principal, id: string): Promise<TicketView> {
  const [row] = await selectTickets(sql, sql`t.id = ${id}`);
  if (!row) throw new AppError('not_found', 'no such ticket');
  const t = toTicketView(row);
  assertTicketVisible(p, t);
  return t;
}

export async function ticketDetail(sql: Sql, p: Principal, id: string): Promise<TicketDetail> {
  const t = await visibleTicket(sql, p, id);
  const office = p.kind === 'user' && (OFFICE_ROLES as readonly string[]).includes(p.role);
  const photos = await sql<{ id: string; at: Date; content_type: string }[]>`SELECT id, at, content_type FROM ticket_photos WHERE ticket_id = ${id} ORDER BY id`;
  const actor = p.kind === 'display' ? null : p.role;
  return {
    ...t,
    mayRevealPhone: mayRevealPhone(p, t),
    phoneReveals: office ? await phoneReveals(sql, id) : [],
    events: await ticketEvents(sql, id),
    photos: photos.map((ph) => ({ id: ph.id, url: `/api/photos/${ph.id}`, at: ph.at.toISOString(), contentType: ph.content_type })),
    offers: await offersOfTicket(sql, id),
    allowedActions: actor && actor !== 'manager' ? allowedActions({ status: t.status, reopenCount: t.reopenCount }, actor) : [],
  };
}

/** The people handling a ticket may call the resident: office roles in scope, and the responder it is assigned to. */
export function mayRevealPhone(p: Principal, t: TicketView): boolean {
  if (p.kind !== 'user') return false;
  return (OFFICE_ROLES as readonly string[]).includes(p.role) || (p.role === 'responder' && t.assigneeId === p.responderId);
}

/** The resident's full number, for someone about to call them; the reveal is recorded in the same transaction. */
export async function revealPhone(sql: Sql, p: Principal, id: string): Promise<RevealedPhone> {
  const t = await visibleTicket(sql, p, id);
  if (p.kind !== 'user' || !mayRevealPhone(p, t)) throw new AppError('forbidden', 'only office staff and the responder handling the ticket may see the number');
  return sql.begin(async (tx) => {
    const [row] = await tx<{ reporter_phone: string | null }[]>`SELECT reporter_phone FROM tickets WHERE id = ${id}`;
    if (row.reporter_phone) await tx`INSERT INTO phone_reveals (ticket_id, user_id) VALUES (${id}, ${p.userId})`;
    return { phone: row.reporter_phone };
  });
}

async function phoneReveals(sql: Sql, ticketId: string): Promise<PhoneRevealView[]> {
  const rows = await sql<{ by: string; at: Date }[]>`
    SELECT u.display_name AS by, r.at FROM phone_reveals r JOIN users u ON u.id = r.user_id WHERE r.ticket_id = ${ticketId} ORDER BY r.id`;
  return rows.map((r) => ({ by: r.by, at: r.at.toISOString() }));
}
