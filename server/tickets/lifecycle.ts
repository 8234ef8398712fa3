// Applies one lifecycle action to a ticket: locks the row, checks the shared status machine and ownership, applies
// the action's row of the effects table (effects.ts), appends history, keeps duty statuses in step, publishes.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import { checkTransition, type Actor as MachineActor, type TicketAction } from '../../shared/tickets.ts';
import { assertTicketVisible, type UserPrincipal } from '../auth/principal.ts';
import { publish, type Audience, type ChangeBody } from '../live/outbox.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import { refreshDutyStatus } from '../responders/views.ts';
import { closeOpenOffer, offerChange } from '../dispatch/offers.ts';
import { EFFECTS, reasonOf, type ActionBody, type Effect, type EffectContext, type LockedTicket } from './effects.ts';
import { actorOf } from './create.ts';
import { appendEvent, tickerEvent } from './history.ts';
import { ticketView } from './views.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;
/** Who acts: a signed-in user, the server itself, or a resident through their tracking code (residents/rating.ts). */
export type ActingParty = UserPrincipal | { kind: 'system'; label: string } | { kind: 'resident'; label: string };

export interface ActionInput<A extends TicketAction = TicketAction> {
  ticketId: string;
  action: A;
  by: ActingParty;
  body?: ActionBody<A>;
  offerTimeoutS?: number;
  /** A client's retry key: replaying the same key returns the ticket as it is, without acting twice. */
  idempotencyKey?: string | null;
}

export async function applyAction<A extends TicketAction>(sql: Sql, input: ActionInput<A>): Promise<TicketView> {
  return sql.begin((tx) => applyActionTx(tx, input));
}

export async function applyActionTx<A extends TicketAction>(tx: Tx, { ticketId, action, by, body = {} as ActionBody<A>, offerTimeoutS = 120, idempotencyKey = null }: ActionInput<A>): Promise<TicketView> {
  const [t] = await tx<LockedTicket[]>`
    SELECT t.id, t.street_office_id, t.grid_id, t.status, t.reopen_count, t.assignee_id, t.dispatched_at, t.responded_at,
      (SELECT o.responder_id FROM offers o WHERE o.ticket_id = t.id AND o.status = 'offered') AS offered_to
    FROM tickets t WHERE t.id = ${ticketId} FOR UPDATE`;
  if (!t) throw new AppError('not_found', 'no such ticket');

  let role: MachineActor;
  if (by.kind === 'system' || by.kind === 'resident') role = by.kind;
  else {
    assertTicketVisible(by, { streetOfficeId: t.street_office_id, gridId: t.grid_id, assigneeId: t.assignee_id, offer: t.offered_to ? { responderId: t.offered_to } : null });
    role = by.role;
    if (idempotencyKey) {
      const fresh = await tx`
        INSERT INTO action_keys (user_id, key, ticket_id, action) VALUES (${by.userId}, ${idempotencyKey}, ${t.id}, ${action})
        ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`;
      if (fresh.length === 0) {
        const [prior] = await tx<{ ticket_id: string; action: string }[]>`SELECT ticket_id, action FROM action_keys WHERE user_id = ${by.userId} AND key = ${idempotencyKey}`;
        if (prior.ticket_id !== t.id || prior.action !== action) throw new AppError('conflict', 'this Idempotency-Key was used for another request');
        return (await ticketView(tx, t.id))!;
      }
    }
  }

  const check = checkTransition({ status: t.status, reopenCount: t.reopen_count }, action, role);
  if (!check.ok) throw new AppError(check.reason === 'role' ? 'forbidden' : 'conflict', check.message);
  const me = by.kind === 'user' ? by.responderId : null;
  if (role === 'responder') {
    if ((action === 'accept' || action === 'decline') && t.offered_to !== me) throw new AppError('forbidden', 'this offer is not yours');
    if ((action === 'respond' || action === 'resolve') && t.assignee_id !== me) throw new AppError('forbidden', 'this ticket is not assigned to you');
  }

  const effect = EFFECTS[action] as Effect<A>;
  const actor = by.kind === 'user' ? actorOf(by) : actorOf(null, by.label);
  const changes: Array<{ audience: Audience; change: ChangeBody }> = [];
  const touched = [t.assignee_id, t.offered_to].filter((r): r is string => !!r);
  const [{ now }] = await tx<{ now: Date }[]>`SELECT now()`;
  if (effect.endsOffer) {
    const closed = await closeOpenOffer(tx, t.id, effect.endsOffer);
    if (closed) changes.push(offerChange(closed, t));
  }
  const ctx: EffectContext<A> = { tx, t, body, now, by, offerTimeoutS, data: {}, offers: [], touched };
  const columns = (await effect.apply?.(ctx)) ?? {};
  for (const o of ctx.offers) changes.push(offerChange(o, t));
  const stamp = effect.stamp;
  const values: Record<string, unknown> = { status: check.to, ...columns };
  if (stamp) values[stamp.column] = stamp.keep === 'first' ? (t[stamp.column] ?? now) : now;
  await tx`UPDATE tickets SET ${tx(values)}, version = version + 1 WHERE id = ${t.id}`;

  const ev = await appendEvent(tx, { ticketId: t.id, action, from: t.status, to: check.to, actor, reason: reasonOf(body), data: ctx.data });
  changes.push(...(await refreshDutyStatus(tx, touched)));
  const ticket = (await ticketView(tx, t.id))!;
  changes.unshift({
    audience: ticketAudience(ticket),
    change: { kind: 'ticket', ticket, event: tickerEvent(ticket, action, actor.label, ev.at) },
  });
  await publish(tx, changes);
  return ticket;
}
