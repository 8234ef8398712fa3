// What each lifecycle action does to a ticket, as a table: how the open offer ends, which clock column it stamps (and
// whether a first stamp is kept), and the action's own columns. lifecycle.ts applies any row of it the same way.
import type postgres from 'postgres';
import type { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import type { ACTION_BODIES, RestAction } from '../../shared/schemas.ts';
import type { TicketAction, TicketStatus } from '../../shared/tickets.ts';
import type { UserPrincipal } from '../auth/principal.ts';
import type { OfferView } from '../../shared/api.ts';
import { createOffer } from '../dispatch/offers.ts';

type Tx = postgres.TransactionSql<Record<string, never>>;

/** An action's body as its shared schema declares it (expire is the server's own and takes none). */
export type ActionBody<A extends TicketAction> = A extends RestAction ? z.infer<(typeof ACTION_BODIES)[A]> : Record<string, never>;

export type StampColumn = 'dispatched_at' | 'accepted_at' | 'responded_at' | 'resolved_at' | 'closed_at' | 'escalated_at'
  | 'department_accepted_at' | 'rejected_at' | 'reopened_at';
/** Columns an action may set besides its status and stamp. */
export interface TicketColumns {
  assignee_id?: string | null; ever_resolved?: boolean; department?: string; escalation_due_at?: Date; department_accepted_at?: Date | null;
  duplicate_of?: string | null; reopen_count?: number; resolved_at?: null; closed_at?: null;
}

/** The ticket row as the action sees it, locked; with the stamps an action may keep (see Effect.stamp). */
export interface LockedTicket {
  id: string; street_office_id: string; grid_id: string; status: TicketStatus; reopen_count: number;
  assignee_id: string | null; offered_to: string | null; dispatched_at: Date | null; responded_at: Date | null;
}
/** Stamps kept once made: they are loaded with the locked row. */
export type KeptStamp = 'dispatched_at' | 'responded_at';

export interface EffectContext<A extends TicketAction> {
  tx: Tx; t: LockedTicket; body: ActionBody<A>; now: Date; by: UserPrincipal | { kind: 'system' | 'resident' }; offerTimeoutS: number;
  /** What the history records about the action besides its reason. */
  data: Record<string, unknown>;
  /** Offers this action made (published with the ticket), and responders whose duty status may have moved. */
  offers: OfferView[]; touched: string[];
}

export interface Effect<A extends TicketAction> {
  /** How the ticket's open offer ends, before anything else happens. */
  endsOffer?: 'accepted' | 'declined' | 'expired' | 'withdrawn';
  /** The clock column stamped with the action's time; `first`: a stamp made before is kept (response time is the first). */
  stamp?: { column: StampColumn; keep?: never } | { column: KeptStamp; keep: 'first' };
  /** The action's own work and columns. */
  apply?(ctx: EffectContext<A>): TicketColumns | void | Promise<TicketColumns | void>;
}

export const EFFECTS: { [A in TicketAction]: Effect<A> } = {
  dispatch: {
    endsOffer: 'withdrawn', stamp: { column: 'dispatched_at', keep: 'first' },
    async apply({ tx, t, body, by, offerTimeoutS, data, offers, touched }) {
      const offer = await createOffer(tx, { ticket: t, responderId: body.responderId, by, timeoutS: offerTimeoutS });
      offers.push(offer);
      touched.push(body.responderId);
      data.responderId = body.responderId;
      data.responderName = offer.responderName;
    },
  },
  accept: { endsOffer: 'accepted', stamp: { column: 'accepted_at' }, apply: ({ t }) => ({ assignee_id: t.offered_to }) },
  decline: { endsOffer: 'declined', apply: ({ t, data }) => { data.responderId = t.offered_to; } },
  expire: { endsOffer: 'expired', apply: ({ t, data }) => { data.responderId = t.offered_to; } },
  respond: { endsOffer: 'withdrawn', stamp: { column: 'responded_at', keep: 'first' } },
  resolve: { stamp: { column: 'resolved_at' }, apply: () => ({ ever_resolved: true }) },
  close: { stamp: { column: 'closed_at' } },
  escalate: {
    endsOffer: 'withdrawn', stamp: { column: 'escalated_at' },
    async apply({ tx, body, now, data }) {
      const [dept] = await tx`SELECT code FROM departments WHERE code = ${body.department}`;
      if (!dept) throw new AppError('bad_request', `department: unknown department "${body.department}"`, 'department');
      data.department = body.department;
      data.timeLimitHours = body.timeLimitHours;
      return { department: body.department, escalation_due_at: new Date(now.getTime() + body.timeLimitHours * 3600_000), department_accepted_at: null };
    },
  },
  department_accept: { stamp: { column: 'department_accepted_at' } },
  reject: {
    endsOffer: 'withdrawn', stamp: { column: 'rejected_at' },
    async apply({ tx, t, body, data }) {
      const dup = body.duplicateOf ?? null;
      if (dup) {
        if (dup === t.id) throw new AppError('bad_request', 'duplicateOf: a ticket cannot duplicate itself', 'duplicateOf');
        const [orig] = await tx`SELECT id FROM tickets WHERE id = ${dup} AND street_office_id = ${t.street_office_id}`;
        if (!orig) throw new AppError('bad_request', 'duplicateOf: no such ticket', 'duplicateOf');
        data.duplicateOf = dup;
      }
      return { duplicate_of: dup };
    },
  },
  reopen: {
    stamp: { column: 'reopened_at' },
    apply: ({ t }) => ({ reopen_count: t.reopen_count + 1, resolved_at: null, closed_at: null, assignee_id: null }),
  },
};

/** The body's reason or note: what the history records as the action's words. */
export function reasonOf(body: object): string | null {
  const b = body as { reason?: string; note?: string };
  return b.reason ?? b.note ?? null;
}
