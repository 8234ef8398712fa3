// Applies one lifecycle action to a ticket: locks the row, checks the shared status machine and ownership,
// stamps the time, appends history, keeps offers and duty statuses in step, and publishes the changes.
import type postgres from 'postgres';
import type { Sql } from '../db/connect.ts';
import type { TicketView } from '../../shared/api.ts';
import { AppError } from '../../shared/errors.ts';
import { checkTransition, type Actor as MachineActor, type TicketAction, type TicketStatus } from '../../shared/tickets.ts';
import { assertTicketVisible, type UserPrincipal } from '../auth/principal.ts';
import { publish, type Audience, type ChangeBody } from '../live/outbox.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import { refreshDutyStatus } from '../responders/views.ts';
import { closeOpenOffer, createOffer, offerChange } from '../dispatch/offers.ts';
import { actorOf } from './create.ts';
import { appendEvent, tickerEvent } from './history.ts';
import { ticketView } from './views.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;
export type ActingParty = UserPrincipal | { kind: 'system'; label: string };

export interface ActionInput {
  ticketId: string;
  action: TicketAction;
  by: ActingParty;
  body?: Record<string, unknown>;
  offerTimeoutS?: number;
  /** A client's retry key: replaying the same key returns the ticket as it is, without acting twice. */
  idempotencyKey?: string | null;
}

interface LockedTicket {
  id: string; street_office_id: string; grid_id: string; status: TicketStatus; reopen_count: number;
  assignee_id: string | null; offered_to: string | null;
}

export async function applyAction(sql: Sql, input: ActionInput): Promise<TicketView> {
  return sql.begin((tx) => applyActionTx(tx, input));
}

export async function applyActionTx(tx: Tx, { ticketId, action, by, body = {}, offerTimeoutS = 120, idempotencyKey = null }: ActionInput): Promise<TicketView> {
  const [t] = await tx<LockedTicket[]>`
    SELECT t.id, t.street_office_id, t.grid_id, t.status, t.reopen_count, t.assignee_id,
      (SELECT o.responder_id FROM offers o WHERE o.ticket_id = t.id AND o.status = 'offered') AS offered_to
    FROM tickets t WHERE t.id = ${ticketId} FOR UPDATE`;
  if (!t) throw new AppError('not_found', 'no such ticket');

  let role: MachineActor;
  if (by.kind === 'system') role = 'system';
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

  const check = checkTransition({ status: t.status, reopenCount: t.reopen_count }, action, role, body as never);
  if (!check.ok) {
    if (check.reason === 'role') throw new AppError('forbidden', check.message);
    if (check.reason === 'missing') throw new AppError('bad_request', `${check.missing}: ${check.message}`, check.missing);
    throw new AppError('conflict', check.message);
  }
  const me = by.kind === 'user' ? by.responderId : null;
  if (role === 'responder') {
    if ((action === 'accept' || action === 'decline') && t.offered_to !== me) throw new AppError('forbidden', 'this offer is not yours');
    if ((action === 'respond' || action === 'resolve') && t.assignee_id !== me) throw new AppError('forbidden', 'this ticket is not assigned to you');
  }

  const actor = by.kind === 'system' ? actorOf(null, by.label) : actorOf(by);
  const changes: Array<{ audience: Audience; change: ChangeBody }> = [];
  const touched: Array<string | null> = [t.assignee_id, t.offered_to];
  const to = check.to;
  const reason = (body.reason ?? body.note ?? null) as string | null;
  const data: Record<string, unknown> = {};

  const closeOffer = async (status: 'accepted' | 'declined' | 'expired' | 'withdrawn') => {
    const closed = await closeOpenOffer(tx, t.id, status);
    if (closed) changes.push(offerChange(closed, t));
  };

  switch (action) {
    case 'dispatch': {
      const responderId = String(body.responderId);
      await closeOffer('withdrawn');
      const offer = await createOffer(tx, { ticket: t, responderId, by, timeoutS: offerTimeoutS });
      changes.push(offerChange(offer, t));
      touched.push(responderId);
      data.responderId = responderId;
      data.responderName = offer.responderName;
      await tx`UPDATE tickets SET status = ${to}, dispatched_at = coalesce(dispatched_at, now()) WHERE id = ${t.id}`;
      break;
    }
    case 'accept':
      await closeOffer('accepted');
      await tx`UPDATE tickets SET status = ${to}, assignee_id = ${t.offered_to}, accepted_at = now() WHERE id = ${t.id}`;
      break;
    case 'decline':
    case 'expire':
      await closeOffer(action === 'decline' ? 'declined' : 'expired');
      data.responderId = t.offered_to;
      await tx`UPDATE tickets SET status = ${to} WHERE id = ${t.id}`;
      break;
    case 'respond':
      await closeOffer('withdrawn');
      await tx`UPDATE tickets SET status = ${to}, responded_at = coalesce(responded_at, now()) WHERE id = ${t.id}`;
      break;
    case 'resolve':
      await tx`UPDATE tickets SET status = ${to}, resolved_at = now(), ever_resolved = true WHERE id = ${t.id}`;
      break;
    case 'close':
      await tx`UPDATE tickets SET status = ${to}, closed_at = now() WHERE id = ${t.id}`;
      break;
    case 'escalate': {
      const [dept] = await tx`SELECT code FROM departments WHERE code = ${String(body.department)}`;
      if (!dept) throw new AppError('bad_request', `department: unknown department "${String(body.department)}"`, 'department');
      await closeOffer('withdrawn');
      data.department = body.department;
      data.timeLimitHours = body.timeLimitHours;
      await tx`UPDATE tickets SET status = ${to}, escalated_at = now(), department = ${String(body.department)},
        escalation_due_at = now() + make_interval(secs => ${Number(body.timeLimitHours) * 3600}), department_accepted_at = NULL
        WHERE id = ${t.id}`;
      break;
    }
    case 'department_accept':
      await tx`UPDATE tickets SET department_accepted_at = now() WHERE id = ${t.id}`;
      break;
    case 'reject': {
      const dup = body.duplicateOf ? String(body.duplicateOf) : null;
      if (dup) {
        if (dup === t.id) throw new AppError('bad_request', 'duplicateOf: a ticket cannot duplicate itself', 'duplicateOf');
        const [orig] = await tx`SELECT id FROM tickets WHERE id = ${dup} AND street_office_id = ${t.street_office_id}`;
        if (!orig) throw new AppError('bad_request', 'duplicateOf: no such ticket', 'duplicateOf');
        data.duplicateOf = dup;
      }
      await closeOffer('withdrawn');
      await tx`UPDATE tickets SET status = ${to}, rejected_at = now(), duplicate_of = ${dup} WHERE id = ${t.id}`;
      break;
    }
    case 'reopen':
      await tx`UPDATE tickets SET status = ${to}, reopened_at = now(), reopen_count = reopen_count + 1,
        resolved_at = NULL, closed_at = NULL, assignee_id = NULL WHERE id = ${t.id}`;
      break;
  }
  await tx`UPDATE tickets SET version = version + 1 WHERE id = ${t.id}`;

  const ev = await appendEvent(tx, { ticketId: t.id, action, from: t.status, to, actor, reason, data });
  changes.push(...(await refreshDutyStatus(tx, touched)));
  const ticket = (await ticketView(tx, t.id))!;
  changes.unshift({
    audience: ticketAudience(ticket),
    change: { kind: 'ticket', ticket, event: tickerEvent(ticket, action, actor.label, ev.at) },
  });
  await publish(tx, changes);
  return ticket;
}
