// The auto-dispatch sweeper. Auto-dispatch runs right after a ticket is reported, declined or timed out; if that run
// fails (a database blip after the 201, a restart in between) nothing else would offer the ticket, and it would wait
// unoffered until someone noticed. The jobs instance sweeps such tickets and offers them again; one still without
// candidates is retried at a slower pace, and its grid leader is alerted once per wait, not once per sweep.
import type { Deps } from '../http/types.ts';
import { AWAITING_DISPATCH } from '../../shared/tickets.ts';
import { autoDispatch } from './auto.ts';

/** A ticket is left to the immediate run for this long after its last event. */
export const SWEEP_AFTER_S = 5;
/** How often a ticket that found nobody is tried again. */
export const SWEEP_RETRY_S = 30;
const SWEEP_BATCH = 20;

export async function sweepUndispatched(deps: Pick<Deps, 'sql' | 'config' | 'log'>): Promise<string[]> {
  const { sql, log } = deps;
  const due = await sql<{ id: string; alerted: boolean }[]>`
    WITH waiting AS (
      SELECT t.id FROM tickets t
      JOIN categories c ON c.code = t.category JOIN grids g ON g.id = t.grid_id
      WHERE t.status = ANY(${AWAITING_DISPATCH as string[]}) AND c.auto_dispatch AND g.auto_dispatch
        AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.ticket_id = t.id AND o.status = 'offered')
        AND coalesce(t.dispatch_swept_at, '-infinity') < now() - make_interval(secs => ${SWEEP_RETRY_S})
        AND (SELECT max(e.at) FROM ticket_events e WHERE e.ticket_id = t.id AND e.action <> 'alert') < now() - make_interval(secs => ${SWEEP_AFTER_S})
      ORDER BY t.reported_at LIMIT ${SWEEP_BATCH}
      FOR UPDATE OF t SKIP LOCKED
    )
    UPDATE tickets t SET dispatch_swept_at = now() FROM waiting w WHERE t.id = w.id
    RETURNING t.id,
      -- Already alerted since it last came back to waiting (reported, declined, expired, reopened)?
      EXISTS (SELECT 1 FROM ticket_events a WHERE a.ticket_id = t.id AND a.action = 'alert'
        AND a.id > coalesce((SELECT max(b.id) FROM ticket_events b WHERE b.ticket_id = t.id AND b.action <> 'alert'
          AND b.to_status = ANY(${AWAITING_DISPATCH as string[]})), 0)) AS alerted`;
  const offered: string[] = [];
  for (const t of due) {
    try {
      const to = await autoDispatch(deps, t.id, { alertIfNone: !t.alerted });
      if (to) offered.push(t.id);
    } catch (err) {
      log.warn({ err, ticketId: t.id }, 'sweeper: auto-dispatch failed; retried later');
    }
  }
  return offered;
}
