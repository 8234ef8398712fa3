// Reads responders as ResponderView and keeps their duty status in step with their offers and tickets.
import type postgres from 'postgres';
import type { ResponderView } from '../../shared/api.ts';
import type { Audience, ChangeBody } from '../live/outbox.ts';
import { responderAudience } from '../../shared/visibility.ts';

type Q = postgres.Sql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

interface ResponderRow {
  id: string; street_office_id: string; name: string; kind: string; skills: string[]; team: string | null; duty_status: string;
  home_grid_ids: string[]; lat: number | null; lng: number | null; position_at: Date | null; active_tickets: number;
}

/** How many tickets responder `r` holds (accepted or on site); the literal statuses match the partial index of 007. */
export function activeTickets(q: Q) {
  return q`(SELECT count(*)::int FROM tickets t WHERE t.assignee_id = r.id AND t.status IN ('accepted', 'responded'))`;
}

export function selectResponders(q: Q, where: postgres.PendingQuery<postgres.Row[]>) {
  return q<ResponderRow[]>`
    SELECT r.id, r.street_office_id, r.name, r.kind, r.skills, r.team, r.duty_status,
      ARRAY(SELECT grid_id::text FROM responder_grids rg WHERE rg.responder_id = r.id ORDER BY grid_id) AS home_grid_ids,
      lp.lat, lp.lng, lp.at AS position_at,
      ${activeTickets(q)} AS active_tickets
    FROM responders r LEFT JOIN latest_positions lp ON lp.responder_id = r.id
    WHERE ${where}
    ORDER BY r.id`;
}

export function toResponderView(r: ResponderRow): ResponderView {
  const onDuty = r.duty_status !== 'off_duty';
  return {
    id: r.id, name: r.name, kind: r.kind as ResponderView['kind'], skills: r.skills as ResponderView['skills'], team: r.team,
    homeGridIds: r.home_grid_ids, dutyStatus: r.duty_status as ResponderView['dutyStatus'],
    // Locations are shown only while on duty (PIPL).
    lat: onDuty ? r.lat : null, lng: onDuty ? r.lng : null, positionAt: onDuty && r.position_at ? r.position_at.toISOString() : null,
    activeTickets: r.active_tickets,
  };
}

export function responderChange(r: ResponderRow): { audience: Audience; change: ChangeBody } {
  return {
    audience: responderAudience({ streetOfficeId: r.street_office_id, gridIds: r.home_grid_ids, id: r.id }),
    change: { kind: 'responder', responder: toResponderView(r) },
  };
}

/**
 * Recomputes duty status from what the responder holds (on site > en route > offered > available);
 * returns changes for those whose status moved. Off-duty responders stay off duty.
 */
export async function refreshDutyStatus(tx: Q, responderIds: Array<string | null | undefined>): Promise<Array<{ audience: Audience; change: ChangeBody }>> {
  const ids = [...new Set(responderIds.filter((x): x is string => !!x))];
  if (ids.length === 0) return [];
  const moved = await tx<{ id: string }[]>`
    WITH next AS (
      SELECT r.id, CASE
        WHEN r.duty_status = 'off_duty' THEN 'off_duty'
        WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.assignee_id = r.id AND t.status = 'responded') THEN 'on_site'
        WHEN EXISTS (SELECT 1 FROM tickets t WHERE t.assignee_id = r.id AND t.status = 'accepted') THEN 'en_route'
        WHEN EXISTS (SELECT 1 FROM offers o WHERE o.responder_id = r.id AND o.status = 'offered') THEN 'offered'
        ELSE 'available' END AS status
      FROM responders r WHERE r.id = ANY(${ids}::bigint[])
    )
    UPDATE responders r SET duty_status = next.status FROM next
    WHERE r.id = next.id AND r.duty_status <> next.status
    RETURNING r.id`;
  if (moved.length === 0) return [];
  const rows = await selectResponders(tx, tx`r.id = ANY(${moved.map((m) => m.id)}::bigint[])`);
  return rows.map(responderChange);
}
