// A resident rates the result on the tracking page: once per resolution; 1–2 stars reopen the ticket for the grid
// leader with the comment as the reason (the status machine lets a resident do exactly that, nothing else).
import type { Sql } from '../db/connect.ts';
import { AppError } from '../../shared/errors.ts';
import { REOPEN_AT_OR_BELOW } from '../../shared/residents.ts';
import type { TicketStatus } from '../../shared/tickets.ts';
import { ticketAudience } from '../../shared/visibility.ts';
import { publish } from '../live/outbox.ts';
import { appendEvent, tickerEvent } from '../tickets/history.ts';
import { applyActionTx } from '../tickets/lifecycle.ts';
import { ticketView } from '../tickets/views.ts';
import { mayRate } from './public-view.ts';
import { RESIDENT_ACTOR } from './report.ts';

export async function rateAsResident(sql: Sql, ticketId: string, body: { rating: number; comment?: string }): Promise<{ reopened: boolean }> {
  return sql.begin(async (tx) => {
    const [t] = await tx<{ status: TicketStatus; resolved_at: Date | null; resident_rated_at: Date | null }[]>`
      SELECT status, resolved_at, resident_rated_at FROM tickets WHERE id = ${ticketId} FOR UPDATE`;
    if (!t) throw new AppError('not_found', '没有这个查询码 · no such tracking code');
    if (!mayRate(t)) {
      throw new AppError('conflict', t.status === 'resolved' || t.status === 'closed'
        ? '您已经评价过了，谢谢 · you have rated this already, thank you'
        : '办结后才能评价 · you can rate once it is resolved');
    }
    const comment = body.comment?.trim() || null;
    await tx`UPDATE tickets SET rating = ${body.rating}, resident_rated_at = now(), version = version + 1 WHERE id = ${ticketId}`;
    const ev = await appendEvent(tx, { ticketId, action: 'rate', from: t.status, to: t.status, actor: RESIDENT_ACTOR, reason: comment, data: { rating: body.rating, by: 'resident' } });
    const view = (await ticketView(tx, ticketId))!;
    await publish(tx, [{ audience: ticketAudience(view), change: { kind: 'ticket', ticket: view, event: tickerEvent(view, 'rate', RESIDENT_ACTOR.label, ev.at) } }]);
    if (body.rating > REOPEN_AT_OR_BELOW) return { reopened: false };
    const reason = comment ? `居民评价${body.rating}星：${comment}` : `居民评价${body.rating}星，不满意`;
    await applyActionTx(tx, { ticketId, action: 'reopen', by: { kind: 'resident', label: '居民评价' }, body: { reason } });
    return { reopened: true };
  });
}
