// Offers not answered in time expire and the ticket passes to the next candidate.
import type { Deps } from '../http/types.ts';
import { AppError } from '../../shared/errors.ts';
import { applyAction } from '../tickets/lifecycle.ts';
import { autoDispatch } from './auto.ts';

export async function expireOffers(deps: Pick<Deps, 'sql' | 'config' | 'log'>): Promise<number> {
  const due = await deps.sql<{ ticket_id: string }[]>`SELECT ticket_id FROM offers WHERE status = 'offered' AND expires_at <= now() ORDER BY expires_at LIMIT 100`;
  let n = 0;
  for (const { ticket_id } of due) {
    try {
      await applyAction(deps.sql, { ticketId: ticket_id, action: 'expire', by: { kind: 'system', label: '派单超时' } });
      n++;
      await autoDispatch(deps, ticket_id);
    } catch (e) {
      // Answered in the meantime, or another instance got there first.
      if (!(e instanceof AppError && e.code === 'conflict')) throw e;
    }
  }
  return n;
}
