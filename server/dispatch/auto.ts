// Auto-dispatch: a new ticket goes to the best available candidate at once and cascades on decline or timeout;
// when nobody is available the grid leader is alerted. This is how the commitment is kept at night.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { AWAITING_DISPATCH, type TicketStatus } from '../../shared/tickets.ts';
import { applyAction } from '../tickets/lifecycle.ts';
import { appendEvent, tickerEvent } from '../tickets/history.ts';
import { publish } from '../live/outbox.ts';
import { ticketView } from '../tickets/views.ts';
import { autoDispatchShortlist } from './candidates.ts';
import { ticketAudience } from '../../shared/visibility.ts';

const SYSTEM = { kind: 'system' as const, label: '自动派单' };

/** Offers the ticket to the next best available candidate; returns the responder offered, or null. */
export async function autoDispatch(deps: Pick<Deps, 'sql' | 'config' | 'log'>, ticketId: string, opts: { alertIfNone?: boolean } = {}): Promise<string | null> {
  const { sql, config } = deps;
  const [t] = await sql<{ status: TicketStatus; enabled: boolean }[]>`
    SELECT t.status, (c.auto_dispatch AND g.auto_dispatch) AS enabled
    FROM tickets t JOIN categories c ON c.code = t.category JOIN grids g ON g.id = t.grid_id WHERE t.id = ${ticketId}`;
  if (!t || !t.enabled || !AWAITING_DISPATCH.includes(t.status)) return null;
  for (const responderId of await autoDispatchShortlist(sql, ticketId, 5)) {
    try {
      await applyAction(sql, { ticketId, action: 'dispatch', by: SYSTEM, body: { responderId }, offerTimeoutS: config.offerTimeoutS });
      return responderId;
    } catch (e) {
      // Someone else got this responder or the ticket first: try the next one, or stop if the ticket moved on.
      if (e instanceof AppError && e.code === 'conflict') {
        const [now] = await sql<{ status: TicketStatus }[]>`SELECT status FROM tickets WHERE id = ${ticketId}`;
        if (!AWAITING_DISPATCH.includes(now.status)) return null;
        continue;
      }
      throw e;
    }
  }
  if (opts.alertIfNone !== false) await alertLeader(deps, ticketId);
  return null;
}

async function alertLeader({ sql }: Pick<Deps, 'sql'>, ticketId: string) {
  await sql.begin(async (tx) => {
    const [row] = await tx<{ status: string }[]>`SELECT status FROM tickets WHERE id = ${ticketId} FOR UPDATE`;
    if (!row) return;
    const ev = await appendEvent(tx, { ticketId, action: 'alert', from: row.status, to: row.status, actor: { userId: null, responderId: null, label: SYSTEM.label }, reason: 'no available responder' });
    const ticket = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(ticket), change: { kind: 'ticket', ticket, event: tickerEvent(ticket, 'alert', SYSTEM.label, ev.at) } }]);
  });
}

/** Runs auto-dispatch after a commit without letting its failure reach the caller's answer. */
export function autoDispatchLater(deps: Pick<Deps, 'sql' | 'config' | 'log'>, ticketId: string): void {
  autoDispatch(deps, ticketId).catch((err) => deps.log.warn({ err, ticketId }, 'auto-dispatch failed'));
}
